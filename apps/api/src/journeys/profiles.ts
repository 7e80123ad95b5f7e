import type { ProfileSource, ProfileView, TraitWriter } from '@overture/journeys';
import type { App } from '../app-handle';
import { hasPerformed, profilesWithTrait, setTrait, type ProfileSummary } from '../profiles';
import { segmentMemberIds, segmentsOfProfiles } from '../segments';
import { BatchLoader } from '../kernel/batch-loader';

/** What the journeys need of profiles, beyond the engine's ProfileSource. */
export interface ProfileDirectory extends ProfileSource, TraitWriter {
  resolveProfileId(workspaceId: string, ids: { userId?: string; anonymousId?: string }): Promise<string>;
  /** Several people's profiles in one look-up, in the order asked. */
  resolveProfileIds(workspaceId: string, people: Array<{ userId?: string; anonymousId?: string }>): Promise<string[]>;
  /** Current members of a segment (broadcasts). */
  segmentMembers(workspaceId: string, segmentId: string): Promise<string[]>;
  /** Profiles carrying a trait (date-property triggers), with their time zone when known. */
  profilesWithTrait(workspaceId: string, trait: string): Promise<Array<{ profileId: string; value: unknown; timezone: string | null }>>;
}

/** The functions the profiles domain exports (see the contract between the two domains). */
export interface ProfilesContract {
  resolveProfileId(app: App, workspaceId: string, ids: { userId?: string; anonymousId?: string }): Promise<string>;
  resolveProfileIds(app: App, workspaceId: string, people: Array<{ userId?: string; anonymousId?: string }>): Promise<string[]>;
  /** Summaries of many profiles at once; the absent ones are gone. */
  profileSummaries(app: App, workspaceId: string, profileIds: string[]): Promise<Map<string, ProfileSummary>>;
  isInSegment(app: App, workspaceId: string, segmentId: string, profileId: string): Promise<boolean>;
}

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Maps the profiles domain's view onto the engine's. */
export function toProfileView(id: string, raw: unknown): ProfileView | null {
  if (!raw || typeof raw !== 'object') return null;
  const p = raw as Record<string, unknown>;
  const traits = { ...record(p.traits) };
  if (typeof p.email === 'string' && p.email && traits.email === undefined) traits.email = p.email;
  const features = { ...record(p.features), ...(p.rfm && typeof p.rfm === 'object' ? { rfm: p.rfm } : {}), ...(typeof p.rfmSegment === 'string' ? { rfm_segment: p.rfmSegment } : {}) };
  const segments = Array.isArray(p.segmentIds) ? p.segmentIds.map(String) : Array.isArray(p.segments) ? p.segments.map((s) => (typeof s === 'string' ? s : String(record(s).id))) : undefined;
  const tz = typeof p.timezone === 'string' ? p.timezone : typeof traits.timezone === 'string' ? traits.timezone : null;
  return { id: typeof p.id === 'string' ? p.id : typeof p.profileId === 'string' ? p.profileId : id, traits, features, ...(segments ? { segments } : {}), timezone: tz };
}

/** Many profiles' views: summaries from the profiles domain, memberships from the segments domain. */
async function profileViews(app: App, contract: ProfilesContract, workspaceId: string, profileIds: string[]): Promise<Map<string, ProfileView>> {
  const [summaries, memberships] = await Promise.all([contract.profileSummaries(app, workspaceId, profileIds), segmentsOfProfiles(app, workspaceId, profileIds)]);
  const views = new Map<string, ProfileView>();
  for (const [id, summary] of summaries) {
    const view = toProfileView(id, { ...summary, segmentIds: memberships.get(id) ?? [] });
    if (view) views.set(id, view);
  }
  return views;
}

/**
 * The profile directory over the app's stores and the profiles domain. Steps running side by side
 * read their profiles together: each load's queries cost about the same for one profile as for hundreds.
 */
export function appProfiles(app: App, contract: ProfilesContract): ProfileDirectory {
  const views = new BatchLoader<ProfileView>((ws, ids) => profileViews(app, contract, ws, ids));
  return {
    resolveProfileId: (ws, ids) => contract.resolveProfileId(app, ws, ids),
    resolveProfileIds: (ws, people) => contract.resolveProfileIds(app, ws, people),
    async getProfile(ws, id) {
      return (await views.load(ws, id)) ?? null;
    },
    isInSegment: (ws, segmentId, profileId) => contract.isInSegment(app, ws, segmentId, profileId),
    hasPerformed: (ws, profileId, event, sinceMs) => hasPerformed(app, ws, profileId, event, sinceMs),
    setTrait: (ws, profileId, trait, value) => setTrait(app, ws, profileId, trait, value),
    segmentMembers: (ws, segmentId) => segmentMemberIds(app, ws, segmentId),
    profilesWithTrait: (ws, trait) => profilesWithTrait(app, ws, trait),
  };
}
