import type { ProfileSource, ProfileView, TraitWriter } from '@overture/journeys';
import type { App } from '../app';

/** What the journeys need of profiles, beyond the engine's ProfileSource. */
export interface ProfileDirectory extends ProfileSource, TraitWriter {
  resolveProfileId(workspaceId: string, ids: { userId?: string; anonymousId?: string }): Promise<string>;
  /** Current members of a segment (broadcasts). */
  segmentMembers(workspaceId: string, segmentId: string): Promise<string[]>;
  /** Profiles carrying a trait (date-property triggers), with their time zone when known. */
  profilesWithTrait(workspaceId: string, trait: string): Promise<Array<{ profileId: string; value: unknown; timezone: string | null }>>;
}

/** The functions the profiles domain exports (see the contract between the two domains). */
export interface ProfilesContract {
  resolveProfileId(app: App, workspaceId: string, ids: { userId?: string; anonymousId?: string }): Promise<string>;
  getProfile(app: App, workspaceId: string, id: string): Promise<unknown>;
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

async function rows<T>(app: App, query: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await app.clickhouse.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

const chNow = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

/** The profile directory over the app's stores and the profiles domain. */
export function appProfiles(app: App, contract: ProfilesContract): ProfileDirectory {
  return {
    resolveProfileId: (ws, ids) => contract.resolveProfileId(app, ws, ids),
    async getProfile(ws, id) {
      return toProfileView(id, await contract.getProfile(app, ws, id));
    },
    isInSegment: (ws, segmentId, profileId) => contract.isInSegment(app, ws, segmentId, profileId),
    async hasPerformed(ws, profileId, event, sinceMs) {
      const found = await rows<{ n: string }>(
        app,
        `SELECT count() AS n FROM events
         WHERE workspace_id = {ws:String} AND event = {event:String} AND timestamp >= fromUnixTimestamp64Milli({since:Int64})
           AND distinct_id IN (SELECT distinct_id FROM identities WHERE workspace_id = {ws:String} AND profile_id = {p:String})`,
        { ws, event, since: Math.floor(sinceMs), p: profileId },
      );
      return Number(found[0]?.n ?? 0) > 0;
    },
    async setTrait(ws, profileId, trait, value) {
      // The profile store keeps the newest value per key, so this write is idempotent.
      await app.clickhouse.insert({
        table: 'profile_traits',
        values: [{ workspace_id: ws, profile_id: profileId, key: trait, value: JSON.stringify(value ?? null), updated_at: chNow() }],
        format: 'JSONEachRow',
      });
    },
    async segmentMembers(ws, segmentId) {
      const found = await rows<{ profile_id: string }>(
        app,
        `SELECT profile_id FROM segment_members WHERE workspace_id = {ws:String} AND segment_id = {s:String} AND is_member = 1`,
        { ws, s: segmentId },
      );
      return found.map((r) => r.profile_id);
    },
    async profilesWithTrait(ws, trait) {
      const found = await rows<{ profile_id: string; value: string; tz: string }>(
        app,
        `SELECT t.profile_id AS profile_id, t.value AS value, z.value AS tz
         FROM (SELECT profile_id, value FROM profile_traits WHERE workspace_id = {ws:String} AND key = {k:String}) AS t
         LEFT JOIN (SELECT profile_id, value FROM profile_traits WHERE workspace_id = {ws:String} AND key = 'timezone') AS z USING profile_id`,
        { ws, k: trait },
      );
      const parse = (v: string): unknown => {
        try {
          return JSON.parse(v) as unknown;
        } catch {
          return v;
        }
      };
      return found.map((r) => ({ profileId: r.profile_id, value: parse(r.value), timezone: r.tz ? String(parse(r.tz)) : null }));
    },
  };
}
