import type { App } from '../app-handle';
import { selectRows } from '../stores/clickhouse/sql';
import { profileFactsChanged } from './profile-facts';

const chNow = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

/** Whether any of the profile's ids sent `event` since `sinceMs` (journeys' "has performed" conditions). */
export async function hasPerformed(app: App, workspaceId: string, profileId: string, event: string, sinceMs: number): Promise<boolean> {
  const found = await selectRows<{ n: string }>(
    app.clickhouse,
    `SELECT count() AS n FROM events
     WHERE workspace_id = {ws:String} AND event = {event:String} AND timestamp >= fromUnixTimestamp64Milli({since:Int64})
       AND distinct_id IN (SELECT distinct_id FROM identities WHERE workspace_id = {ws:String} AND profile_id = {p:String})`,
    { ws: workspaceId, event, since: Math.floor(sinceMs), p: profileId },
  );
  return Number(found[0]?.n ?? 0) > 0;
}

/** Sets one trait now (a journey's "update trait" step). The store keeps the newest value per key, so a repeat is harmless. */
export async function setTrait(app: App, workspaceId: string, profileId: string, trait: string, value: unknown): Promise<void> {
  await app.clickhouse.insert({
    table: 'profile_traits',
    values: [{ workspace_id: workspaceId, profile_id: profileId, key: trait, value: JSON.stringify(value ?? null), updated_at: chNow() }],
    format: 'JSONEachRow',
  });
  await profileFactsChanged(app, workspaceId, { profileIds: [profileId] });
}

const parse = (v: string): unknown => {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

/** Profiles carrying a trait (date-property triggers), with their time zone when known. */
export async function profilesWithTrait(app: App, workspaceId: string, trait: string): Promise<Array<{ profileId: string; value: unknown; timezone: string | null }>> {
  const found = await selectRows<{ profile_id: string; value: string; tz: string }>(
    app.clickhouse,
    `SELECT t.profile_id AS profile_id, t.value AS value, z.value AS tz
     FROM (SELECT profile_id, value FROM profile_traits WHERE workspace_id = {ws:String} AND key = {k:String}) AS t
     LEFT JOIN (SELECT profile_id, value FROM profile_traits WHERE workspace_id = {ws:String} AND key = 'timezone') AS z USING profile_id`,
    { ws: workspaceId, k: trait },
  );
  return found.map((r) => ({ profileId: r.profile_id, value: parse(r.value), timezone: r.tz ? String(parse(r.tz)) : null }));
}
