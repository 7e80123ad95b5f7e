import type { App } from '../app-handle';
import { resolveLinks } from './identity';

export type { ProfileView, ProfileSummary } from './profile';
export { getProfile, isInSegment, findProfileId, searchProfiles } from './profile';
export { profileSummaries } from './summaries';
export { profileLabels, type ProfileLabel } from './labels';
export { timeline, type TimelineItem, type TimelinePage } from './timeline';
export { eraseProfile, exportProfile, type EraseResult, type ProfileEraser } from './erase';
export { recomputeFeatures, refreshChangedFeatures, scheduledFeaturePass, refreshProfileFeatures, fullPassEveryMs } from './features';
export { consumeProfileEvents, type AfterProfilesRefreshed } from './consumer';
export { profileRoutes } from './http';
export { rfmSegments, type RfmSegment } from './features-sql';
export { profileIdFor } from './ids';

/** The profile a person's ids belong to (creating it on first sight). */
export async function resolveProfileId(app: App, workspaceId: string, ids: { userId?: string; anonymousId?: string }): Promise<string> {
  const [profileId] = await resolveProfileIds(app, workspaceId, [ids]);
  return profileId!;
}

/**
 * The profiles of many people at once, in order, in one identity batch: a batch of events asks one
 * look-up instead of one per person, each of which waits its turn in the workspace's identity queue.
 */
export async function resolveProfileIds(app: App, workspaceId: string, people: Array<{ userId?: string; anonymousId?: string }>): Promise<string[]> {
  if (people.length === 0) return [];
  const keys = people.map((ids) => {
    const id = ids.userId || ids.anonymousId;
    if (!id) throw new Error('resolving a profile needs a userId or an anonymousId for each person');
    return id;
  });
  const { profileOf } = await resolveLinks(app, workspaceId, people.map((ids) => ({ userId: ids.userId || undefined, anonymousId: ids.anonymousId || undefined })));
  return keys.map((k) => profileOf.get(k)!);
}
export { identifiedProfiles } from './activity';
export { hasPerformed, setTrait, profilesWithTrait } from './lookups';
export { firstLinkedIds } from './linked-ids';
export { profileFacts, workspaceProfileFacts, profileFactsChanged, type ProfileFacts, type FactsChange, type FactsListener } from './profile-facts';
