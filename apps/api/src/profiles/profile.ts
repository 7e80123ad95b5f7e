import type { App } from '../app-handle';
import { identitiesOf } from './identity';
import { isProfileId } from './ids';
import { chToIso, selectRows } from '../stores/clickhouse/sql';
import { traitsOf } from './traits';
import { featureColumns } from './features-sql';
import { pageStats, type PageStats } from './pages';

export interface ProfileIdentity {
  id: string;
  kind: 'user' | 'anonymous';
  linkedAt: string | null;
}

export interface ProfileView {
  id: string;
  workspaceId: string;
  userIds: string[];
  anonymousIds: string[];
  identities: ProfileIdentity[];
  traits: Record<string, unknown>;
  email: string | null;
  timezone: string | null;
  /** Computed features (null until the profile's first computation). Dates are ISO strings. */
  features: Record<string, unknown> | null;
  pages: PageStats;
  rfm: { r: number; f: number; m: number; segment: string; churnRisk: number | null; cltv: number } | null;
  segments: Array<{ id: string; name: string; since: string | null }>;
  merges: Array<{ from: string; reason: string; at: string | null; ids: string[] }>;
}

/** The profile an id belongs to: a profile id, a user id or an anonymous id. */
export async function findProfileId(app: App, workspaceId: string, id: string): Promise<string | null> {
  const rows = await selectRows<{ profile_id: string }>(
    app.clickhouse,
    `SELECT profile_id FROM identities WHERE workspace_id = {ws:String} AND distinct_id = {id:String} LIMIT 1`,
    { ws: workspaceId, id },
  );
  if (rows[0]) return rows[0].profile_id;
  if (!isProfileId(id)) return null;
  const own = await selectRows<{ n: string }>(
    app.clickhouse,
    `SELECT count() AS n FROM identities WHERE workspace_id = {ws:String} AND profile_id = {id:String}`,
    { ws: workspaceId, id },
  );
  return Number(own[0]?.n ?? 0) > 0 ? id : null;
}

const dateFeatures = new Set(['computed_at', 'first_seen', 'last_seen', 'first_order_at', 'last_order_at', 'last_onsite_at']);
const featureSelect = featureColumns.filter((c) => c !== 'workspace_id' && c !== 'profile_id' && c !== 'traits');

/** A stored feature row as a profile shows it: dates as ISO strings, the event count as a number. */
function featureRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(row)) {
    if (dateFeatures.has(k)) row[k] = chToIso(row[k] as string | null);
    else if (typeof row[k] === 'string' && /^\d+$/.test(row[k]) && k === 'event_count') row[k] = Number(row[k]);
  }
  return row;
}

export async function featuresOf(app: App, workspaceId: string, profileId: string): Promise<Record<string, unknown> | null> {
  return (await featuresOfProfiles(app, workspaceId, [profileId])).get(profileId) ?? null;
}

/** The features of many profiles in one query; a profile never computed is absent. */
export async function featuresOfProfiles(app: App, workspaceId: string, profileIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  if (profileIds.length === 0) return new Map();
  const rows = await selectRows<Record<string, unknown> & { _profile: string }>(
    app.clickhouse,
    `SELECT profile_id AS _profile, ${featureSelect.join(', ')} FROM profile_features WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)}`,
    { ws: workspaceId, pids: profileIds },
  );
  const byProfile = new Map<string, Record<string, unknown>>();
  for (const { _profile, ...row } of rows) byProfile.set(_profile, featureRow(row));
  return byProfile;
}

/** What sending to a profile needs of it: no page statistics, merge history or segment names. */
export type ProfileSummary = Pick<ProfileView, 'id' | 'traits' | 'email' | 'timezone' | 'features' | 'rfm'>;

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** The fields of a profile that follow from its traits and features. */
export function summaryOf(profileId: string, traits: Record<string, unknown>, features: Record<string, unknown> | null): ProfileSummary {
  return { id: profileId, traits, email: str(traits.email) ?? str(features?.email), timezone: str(traits.timezone), features, rfm: rfmOf(features) };
}

/** The RFM scores among a profile's features, once it has ordered. */
function rfmOf(features: Record<string, unknown> | null): ProfileView['rfm'] {
  return features && Number(features.rfm_r) > 0
    ? {
        r: Number(features.rfm_r),
        f: Number(features.rfm_f),
        m: Number(features.rfm_m),
        segment: String(features.rfm_segment),
        churnRisk: features.churn_risk === null ? null : Number(features.churn_risk),
        cltv: Number(features.cltv),
      }
    : null;
}

export async function getProfile(app: App, workspaceId: string, id: string): Promise<ProfileView | null> {
  const profileId = await findProfileId(app, workspaceId, id);
  if (!profileId) return null;
  const [ids, traits, features, memberships, merges] = await Promise.all([
    identitiesOf(app, workspaceId, [profileId]),
    traitsOf(app, workspaceId, profileId),
    featuresOf(app, workspaceId, profileId),
    selectRows<{ segment_id: string; changed_at: string }>(
      app.clickhouse,
      `SELECT segment_id, changed_at FROM segment_members
       WHERE workspace_id = {ws:String} AND profile_id = {p:String} AND is_member = 1`,
      { ws: workspaceId, p: profileId },
    ),
    selectRows<{ from_profile_id: string; reason: string; merged_at: string; distinct_ids: string[] }>(
      app.clickhouse,
      `SELECT from_profile_id, reason, merged_at, distinct_ids FROM identity_merges
       WHERE workspace_id = {ws:String} AND into_profile_id = {p:String} ORDER BY merged_at`,
      { ws: workspaceId, p: profileId },
    ),
  ]);
  const pages = await pageStats(app, workspaceId, ids.map((i) => i.distinct_id));
  const names = memberships.length
    ? new Map(
        (
          await app.postgres.db
            .selectFrom('segments')
            .select(['id', 'name'])
            .where('workspace_id', '=', workspaceId)
            .where('id', 'in', memberships.map((m) => m.segment_id))
            .execute()
        ).map((s) => [s.id, s.name]),
      )
    : new Map<string, string>();
  return {
    ...summaryOf(profileId, traits, features),
    workspaceId,
    userIds: ids.filter((i) => i.kind === 'user').map((i) => i.distinct_id),
    anonymousIds: ids.filter((i) => i.kind !== 'user').map((i) => i.distinct_id),
    identities: ids.map((i) => ({ id: i.distinct_id, kind: i.kind === 'user' ? 'user' : 'anonymous', linkedAt: chToIso(i.linked_at) })),
    pages,
    segments: memberships.filter((m) => names.has(m.segment_id)).map((m) => ({ id: m.segment_id, name: names.get(m.segment_id)!, since: chToIso(m.changed_at) })),
    merges: merges.map((m) => ({ from: m.from_profile_id, reason: m.reason, at: chToIso(m.merged_at), ids: m.distinct_ids })),
  };
}

export async function isInSegment(app: App, workspaceId: string, segmentId: string, profileId: string): Promise<boolean> {
  const rows = await selectRows<{ is_member: number }>(
    app.clickhouse,
    `SELECT is_member FROM segment_members WHERE workspace_id = {ws:String} AND segment_id = {s:String} AND profile_id = {p:String}`,
    { ws: workspaceId, s: segmentId, p: profileId },
  );
  return Number(rows[0]?.is_member ?? 0) === 1;
}

/** Search by id (profile, user or anonymous), email or any trait value. */
export async function searchProfiles(app: App, workspaceId: string, q: string, limit = 20): Promise<Array<{ id: string; email: string; matched: string }>> {
  const rows = await selectRows<{ profile_id: string; matched: string }>(
    app.clickhouse,
    `SELECT profile_id, any(matched) AS matched FROM (
       SELECT profile_id, distinct_id AS matched FROM identities WHERE workspace_id = {ws:String} AND (distinct_id = {q:String} OR profile_id = {q:String})
       UNION ALL
       SELECT profile_id, concat(key, ': ', value) AS matched FROM profile_traits
       WHERE workspace_id = {ws:String} AND positionCaseInsensitive(value, {q:String}) > 0
     ) GROUP BY profile_id ORDER BY profile_id LIMIT {limit:UInt32}`,
    { ws: workspaceId, q, limit },
  );
  const emails = new Map<string, string>();
  if (rows.length) {
    const e = await selectRows<{ profile_id: string; value: string }>(
      app.clickhouse,
      `SELECT profile_id, value FROM profile_traits WHERE workspace_id = {ws:String} AND key = 'email' AND profile_id IN {pids:Array(String)}`,
      { ws: workspaceId, pids: rows.map((r) => r.profile_id) },
    );
    for (const r of e) emails.set(r.profile_id, String(JSON.parse(r.value) ?? ''));
  }
  return rows.map((r) => ({ id: r.profile_id, email: emails.get(r.profile_id) ?? '', matched: r.matched }));
}
