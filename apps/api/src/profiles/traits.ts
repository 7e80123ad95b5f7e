import type { App } from '../app-handle';
import { chTime } from '../ingest/normalize';
import { profileIdSql } from './ids';
import { insertRows, run, selectRows } from '../stores/clickhouse/sql';

export interface TraitUpdate {
  profileId: string;
  traits: Record<string, unknown>;
  /** Event time (ClickHouse DateTime64 text); the newest value of a key wins. */
  at: string;
}

export async function applyTraits(app: App, workspaceId: string, updates: TraitUpdate[]): Promise<void> {
  const rows = updates.flatMap((u) =>
    Object.entries(u.traits)
      .filter(([k]) => k.length > 0 && k.length <= 255)
      .map(([key, value]) => ({ workspace_id: workspaceId, profile_id: u.profileId, key, value: JSON.stringify(value ?? null), updated_at: u.at })),
  );
  await insertRows(app.clickhouse, 'profile_traits', rows);
}

export async function traitsOf(app: App, workspaceId: string, profileId: string): Promise<Record<string, unknown>> {
  const rows = await selectRows<{ key: string; value: string }>(
    app.clickhouse,
    `SELECT key, value FROM profile_traits WHERE workspace_id = {ws:String} AND profile_id = {p:String} ORDER BY key`,
    { ws: workspaceId, p: profileId },
  );
  const traits: Record<string, unknown> = {};
  for (const r of rows) traits[r.key] = JSON.parse(r.value) as unknown;
  return traits;
}

// Events are stored within seconds of their received_at; the backfill re-reads this much before its
// last run so that nothing inserted late is missed (re-reading is harmless: links and traits collapse).
const overlapMs = 15 * 60_000;

export interface ProfileMark {
  /** Where the next pass starts reading events (by receive time): the last pass's start minus the overlap. */
  since: string;
  /** When the last full feature pass started (ms since 1970); null before the first one. */
  fullAt: number | null;
}

const fromCh = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);

/**
 * The workspace's watermark: the identity/trait backfill and the incremental feature pass both read
 * the events received since the last pass started (a pass of either kind reads both).
 */
export async function profileMark(app: App, workspaceId: string): Promise<ProfileMark> {
  const rows = await selectRows<{ at: string; full_at: string }>(
    app.clickhouse,
    `SELECT received_at AS at, full_at FROM profile_watermarks WHERE workspace_id = {ws:String}`,
    { ws: workspaceId },
  );
  if (!rows[0]) return { since: chTime(0), fullAt: null };
  const fullAt = fromCh(rows[0].full_at);
  return { since: chTime(fromCh(rows[0].at) - overlapMs), fullAt: fullAt > 0 ? fullAt : null };
}

/** Records a pass that started reading at `startedAt`; `fullAt` is the start of the last full pass. */
export async function saveBackfillMark(app: App, workspaceId: string, startedAt: number, fullAt: number | null): Promise<void> {
  await insertRows(app.clickhouse, 'profile_watermarks', [
    { workspace_id: workspaceId, received_at: chTime(startedAt), full_at: chTime(fullAt ?? 0), updated_at: chTime(Date.now()) },
  ]);
}

// The backfill reads events without FINAL (the whole table's sort key would be merged to collapse
// copies): a copy of an event links the same id and writes the same trait row, which collapse anyway.
// The identity map is still read with FINAL, so a merged-away profile is never linked to.

/** Ids of the events received since `{since}`, each with the user id it was first seen beside. */
const idsSince = `
  SELECT user_id AS id, 'user' AS kind, '' AS user_hint FROM events
  WHERE workspace_id = {ws:String} AND received_at >= {since:DateTime64(3)} AND user_id != '' GROUP BY user_id SETTINGS final = 0
  UNION ALL
  SELECT anonymous_id AS id, 'anonymous' AS kind, argMinIf(user_id, timestamp, user_id != '') AS user_hint FROM events
  WHERE workspace_id = {ws:String} AND received_at >= {since:DateTime64(3)} AND anonymous_id != '' GROUP BY anonymous_id SETTINGS final = 0`;

/**
 * Links every id seen in events that has no profile yet (events loaded while no worker ran, e.g. an
 * import): an anonymous id first seen beside a user id joins that user's profile. The identity map is
 * read only for the ids those events name (a primary-key search): reading all of it cost a large
 * workspace seconds on every scheduled pass, also when nothing new had arrived. The events' ids are
 * read three times for that, which costs more than the whole map only in a pass over all history
 * (a workspace's first).
 */
export async function backfillIdentities(app: App, workspaceId: string, version: number, since: string): Promise<void> {
  await run(
    app.clickhouse,
    `INSERT INTO identities (workspace_id, distinct_id, profile_id, kind, version, linked_at)
     SELECT {ws:String}, n.id,
       if(n.user_hint = '', ${profileIdSql('{ws:String}', 'n.id')}, if(u.profile_id != '', u.profile_id, ${profileIdSql('{ws:String}', 'n.user_hint')})),
       n.kind, {version:UInt64}, {now:DateTime64(3)}
     FROM (
       SELECT id, kind, user_hint FROM (${idsSince})
       WHERE id NOT IN (SELECT distinct_id FROM identities WHERE workspace_id = {ws:String} AND distinct_id IN (SELECT id FROM (${idsSince})))
     ) AS n
     LEFT JOIN (
       SELECT distinct_id, profile_id FROM identities
       WHERE workspace_id = {ws:String} AND distinct_id IN (SELECT user_hint FROM (${idsSince}) WHERE user_hint != '')
     ) AS u ON u.distinct_id = n.user_hint`,
    { ws: workspaceId, version, since, now: chTime(Date.now()) },
  );
}

const identifiesSince = `
  SELECT distinct_id, timestamp, traits FROM events
  WHERE workspace_id = {ws:String} AND received_at >= {since:DateTime64(3)} AND type = 'identify' SETTINGS final = 0`;

/** Trait rows from identify events received since `since` (idempotent: the same rows collapse). */
export async function backfillTraits(app: App, workspaceId: string, since: string): Promise<void> {
  await run(
    app.clickhouse,
    `INSERT INTO profile_traits (workspace_id, profile_id, key, value, updated_at)
     SELECT {ws:String}, i.profile_id, kv.1, kv.2, e.timestamp
     FROM (${identifiesSince}) AS e
     INNER JOIN (
       SELECT distinct_id, profile_id FROM identities
       WHERE workspace_id = {ws:String} AND distinct_id IN (SELECT distinct_id FROM (${identifiesSince}))
     ) AS i ON i.distinct_id = e.distinct_id
     ARRAY JOIN JSONExtractKeysAndValuesRaw(e.traits) AS kv
     WHERE kv.1 != ''`,
    { ws: workspaceId, since },
  );
}
