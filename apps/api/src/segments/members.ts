import type { App } from '../app-handle';
import { selectRows } from '../stores/clickhouse/sql';

/** One page of a segment's current members, by profile id, with when each entered. */
export async function segmentMembers(app: App, workspaceId: string, segmentId: string, page: { limit: number; offset: number }): Promise<Array<{ profileId: string; since: string }>> {
  const rows = await selectRows<{ profile_id: string; changed_at: string }>(
    app.clickhouse,
    `SELECT profile_id, changed_at FROM segment_members WHERE workspace_id = {ws:String} AND segment_id = {id:String} AND is_member = 1
     ORDER BY profile_id LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { ws: workspaceId, id: segmentId, limit: page.limit, offset: page.offset },
  );
  return rows.map((r) => ({ profileId: r.profile_id, since: `${r.changed_at.replace(' ', 'T')}Z` }));
}

/** Every current member of a segment (a journey's broadcast). */
export async function segmentMemberIds(app: App, workspaceId: string, segmentId: string): Promise<string[]> {
  const rows = await selectRows<{ profile_id: string }>(
    app.clickhouse,
    `SELECT profile_id FROM segment_members WHERE workspace_id = {ws:String} AND segment_id = {s:String} AND is_member = 1`,
    { ws: workspaceId, s: segmentId },
  );
  return rows.map((r) => r.profile_id);
}

/**
 * The segments each of the given profiles is in now (the latest row of each membership decides).
 * Without FINAL, so the profile-ordered projection serves it instead of the whole workspace's membership.
 */
export async function segmentsOfProfiles(app: App, workspaceId: string, profileIds: string[]): Promise<Map<string, string[]>> {
  if (profileIds.length === 0) return new Map();
  return membershipsWhere(app, 'profile_id IN {pids:Array(String)}', { ws: workspaceId, pids: profileIds });
}

/**
 * The same for every profile whose id is between `first` and `last` (a page of a pass over the
 * workspace in profile id order): a range of the projection, read without a list of ids to match.
 */
export async function segmentsOfProfileRange(app: App, workspaceId: string, first: string, last: string): Promise<Map<string, string[]>> {
  return membershipsWhere(app, 'profile_id >= {first:String} AND profile_id <= {last:String}', { ws: workspaceId, first, last });
}

/** Memberships grouped by profile in the engine: a row per profile, not per membership, to format and parse. */
async function membershipsWhere(app: App, profiles: string, params: Record<string, unknown>): Promise<Map<string, string[]>> {
  const rs = await app.clickhouse.query({
    query: `SELECT profile_id, arraySort(groupArray(segment_id)) FROM (
       SELECT profile_id, segment_id FROM segment_members WHERE workspace_id = {ws:String} AND ${profiles}
       GROUP BY profile_id, segment_id HAVING argMax(is_member, version) = 1
     ) GROUP BY profile_id
     SETTINGS final = 0`,
    query_params: params,
    format: 'JSONCompactEachRow',
  });
  return new Map(await rs.json<[string, string[]]>());
}
