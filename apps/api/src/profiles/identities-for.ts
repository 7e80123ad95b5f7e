import type { ClickHouseSettings } from '@clickhouse/client';
import type { App } from '../app';

/** A linked id's profile, its current segments and its traits. */
export interface LinkedIdentity {
  profileId: string;
  segments: ReadonlySet<string>;
  traits: Record<string, unknown>;
}

/**
 * Batch look-up for many ids at once (onsite's decide): one query answers each linked id's profile,
 * that profile's segment memberships and its traits; ids no event has linked are absent. The
 * embedded engine runs one query at a time, so a second round trip would queue behind everything else.
 */
export async function identitiesFor(app: App, workspaceId: string, ids: string[], settings: ClickHouseSettings = {}): Promise<Map<string, LinkedIdentity>> {
  const rs = await app.clickhouse.query({
    query: `WITH links AS (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String} AND distinct_id IN {ids:Array(String)})
     SELECT 'i' AS t, distinct_id AS a, profile_id AS b, '' AS c FROM links
     UNION ALL
     SELECT 'm', profile_id, segment_id, toString(is_member) FROM segment_members
     WHERE workspace_id = {ws:String} AND profile_id IN (SELECT profile_id FROM links)
     UNION ALL
     SELECT 't', profile_id, key, value FROM profile_traits
     WHERE workspace_id = {ws:String} AND profile_id IN (SELECT profile_id FROM links)`,
    query_params: { ws: workspaceId, ids },
    format: 'JSONEachRow',
    clickhouse_settings: settings,
  });
  const rows = await rs.json<{ t: 'i' | 'm' | 't'; a: string; b: string; c: string }>();
  const byProfile = new Map<string, { segments: Set<string>; traits: Record<string, unknown> }>();
  const of = (profileId: string) => {
    let p = byProfile.get(profileId);
    if (!p) byProfile.set(profileId, (p = { segments: new Set(), traits: {} }));
    return p;
  };
  for (const r of rows) {
    // is_member is read, not filtered on: the latest row of a membership decides (as isInSegment reads it).
    if (r.t === 'm' && r.c === '1') of(r.a).segments.add(r.b);
    else if (r.t === 't') {
      try {
        of(r.a).traits[r.b] = JSON.parse(r.c) as unknown;
      } catch {
        of(r.a).traits[r.b] = r.c;
      }
    }
  }
  const out = new Map<string, LinkedIdentity>();
  for (const r of rows) if (r.t === 'i') out.set(r.a, { profileId: r.b, ...of(r.b) });
  return out;
}
