import type { App } from '../app-handle';
import { identitiesOf } from './identity';
import { findProfileId, getProfile, type ProfileView } from './profile';
import { run, selectRows } from '../stores/clickhouse/sql';
import { appendAudit } from '../stores/postgres';

/**
 * The rows another domain holds about a person (journey state, push subscriptions, consent...).
 * The one list of them is `profileErasers` in `erasers.ts`; a GDPR erase calls each for the profile
 * and every profile merged into it, with all the person's ids.
 */
export interface ProfileEraser {
  name: string;
  erase(app: App, workspaceId: string, profileId: string, distinctIds: string[]): Promise<void>;
}

/** The profile and every profile merged into it (their leftover trait rows are the person's too). */
async function lineage(app: App, workspaceId: string, profileId: string): Promise<string[]> {
  const all = new Set([profileId]);
  let frontier = [profileId];
  while (frontier.length) {
    const rows = await selectRows<{ from_profile_id: string }>(
      app.clickhouse,
      `SELECT from_profile_id FROM identity_merges WHERE workspace_id = {ws:String} AND into_profile_id IN {p:Array(String)}`,
      { ws: workspaceId, p: frontier },
    );
    frontier = rows.map((r) => r.from_profile_id).filter((p) => !all.has(p));
    for (const p of frontier) all.add(p);
  }
  return [...all];
}

export interface EraseResult {
  profileId: string;
  distinctIds: number;
  events: number;
}

/** GDPR erase: the person's events and profile rows, then what each of `erasers` holds on them. */
export async function eraseProfile(app: App, workspaceId: string, id: string, actor: string, erasers: readonly ProfileEraser[]): Promise<EraseResult | null> {
  const profileId = await findProfileId(app, workspaceId, id);
  if (!profileId) return null;
  const ids = (await identitiesOf(app, workspaceId, [profileId])).map((i) => i.distinct_id);
  const pids = await lineage(app, workspaceId, profileId);
  const params = { ws: workspaceId, ids, pids };
  const counted = await selectRows<{ n: string }>(
    app.clickhouse,
    `SELECT count() AS n FROM events WHERE workspace_id = {ws:String} AND (distinct_id IN {ids:Array(String)} OR user_id IN {ids:Array(String)} OR anonymous_id IN {ids:Array(String)})`,
    params,
  );
  await run(app.clickhouse, `DELETE FROM events WHERE workspace_id = {ws:String} AND (distinct_id IN {ids:Array(String)} OR user_id IN {ids:Array(String)} OR anonymous_id IN {ids:Array(String)})`, params);
  await run(app.clickhouse, `DELETE FROM identities WHERE workspace_id = {ws:String} AND (distinct_id IN {ids:Array(String)} OR profile_id IN {pids:Array(String)})`, params);
  for (const table of ['profile_traits', 'profile_features', 'segment_members']) {
    await run(app.clickhouse, `DELETE FROM ${table} WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)}`, params);
  }
  await run(app.clickhouse, `DELETE FROM identity_merges WHERE workspace_id = {ws:String} AND (into_profile_id IN {pids:Array(String)} OR from_profile_id IN {pids:Array(String)})`, params);
  for (const e of erasers) for (const pid of pids) await e.erase(app, workspaceId, pid, ids);
  const result = { profileId, distinctIds: ids.length, events: Number(counted[0]?.n ?? 0) };
  // The audit row names the profile id only: the erased ids are personal data.
  await appendAudit(app.postgres.db, { workspace_id: workspaceId, actor, action: 'profile.erased', subject: profileId, rule: 'gdpr-erasure', detail: JSON.stringify({ events: result.events, ids: result.distinctIds, erasers: erasers.map((e) => e.name) }) });
  return result;
}

export interface ProfileExport {
  exportedAt: string;
  profile: ProfileView;
  events: Array<Record<string, unknown>>;
}

/** Everything we hold on a person (right of access / portability). */
export async function exportProfile(app: App, workspaceId: string, id: string): Promise<ProfileExport | null> {
  const profile = await getProfile(app, workspaceId, id);
  if (!profile) return null;
  const ids = profile.identities.map((i) => i.id);
  const rows = await selectRows<Record<string, string>>(
    app.clickhouse,
    `SELECT message_id, type, event, anonymous_id, user_id, timestamp, received_at, properties, traits, context FROM events
     WHERE workspace_id = {ws:String} AND (distinct_id IN {ids:Array(String)} OR anonymous_id IN {ids:Array(String)}) ORDER BY timestamp`,
    { ws: workspaceId, ids },
  );
  const events = rows.map((r) => ({ ...r, properties: JSON.parse(r.properties ?? '{}') as unknown, traits: JSON.parse(r.traits ?? '{}') as unknown, context: JSON.parse(r.context ?? '{}') as unknown }));
  return { exportedAt: new Date().toISOString(), profile, events };
}
