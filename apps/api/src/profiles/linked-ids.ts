import type { ClickHouseSettings } from '@clickhouse/client';
import type { App } from '../app';
import type { ClickHouseClient } from '../stores/clickhouse';

/** An id linked to a profile, with the row version it was stored under (one sequence shared by every process). */
export interface LinkedIdRow {
  distinct_id: string;
  version: string;
}

// Callers that build a filter of ids do not mind duplicates, so no FINAL (which every other read uses).
async function rows<T>(app: App, query: string, params: Record<string, unknown>, settings: ClickHouseSettings): Promise<T[]> {
  const rs = await app.clickhouse.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { final: 0, ...settings } });
  return rs.json();
}

/** How many id links the workspace holds (duplicates of a not yet merged row included). */
export async function linkedIdCount(app: App, workspaceId: string, settings: ClickHouseSettings = {}): Promise<number> {
  const counted = await rows<{ n: string }>(app, 'SELECT count() AS n FROM identities WHERE workspace_id = {ws:String}', { ws: workspaceId }, settings);
  return Number(counted[0]?.n ?? 0);
}

/** One key-ordered page of the workspace's linked ids after `after` (a range of the table's primary key). */
export function linkedIdsAfter(app: App, workspaceId: string, after: string, limit: number, settings: ClickHouseSettings = {}): Promise<LinkedIdRow[]> {
  return rows<LinkedIdRow>(app, 'SELECT distinct_id, version FROM identities WHERE workspace_id = {ws:String} AND distinct_id > {after:String} ORDER BY distinct_id LIMIT {limit:UInt32}', { ws: workspaceId, after, limit }, settings);
}

/** The ids linked (or re-linked) under a row version above `since`. */
export function linkedIdsSince(app: App, workspaceId: string, since: bigint, settings: ClickHouseSettings = {}): Promise<LinkedIdRow[]> {
  return rows<LinkedIdRow>(app, 'SELECT distinct_id, version FROM identities WHERE workspace_id = {ws:String} AND version > {since:UInt64}', { ws: workspaceId, since: since.toString() }, settings);
}

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
