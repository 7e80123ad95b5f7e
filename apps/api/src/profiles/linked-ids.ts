import type { ClickHouseClient } from '../stores/clickhouse';

/** Each profile's first linked id and its kind ('user' or 'anonymous'): the id a profile's own events are recorded under. */
export async function firstLinkedIds(ch: ClickHouseClient, workspaceId: string, profileIds: string[]): Promise<Map<string, { profile_id: string; distinct_id: string; kind: string }>> {
  const rs = await ch.query({
    query: `SELECT profile_id, argMin(distinct_id, linked_at) AS distinct_id, argMin(kind, linked_at) AS kind FROM identities
            WHERE workspace_id = {ws:String} AND profile_id IN {p:Array(String)} GROUP BY profile_id`,
    query_params: { ws: workspaceId, p: profileIds },
    format: 'JSONEachRow',
  });
  return new Map((await rs.json<{ profile_id: string; distinct_id: string; kind: string }>()).map((r) => [r.profile_id, r]));
}
