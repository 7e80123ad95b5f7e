import { randomBytes, randomUUID } from 'node:crypto';
import type { App } from '../app-handle';
import { chTime } from '../ingest/normalize';
import { featuresInsertSql, movedScoresSql, profileAggregatesSql, rerankInsertSql, thresholdsFromAggregatesSql, thresholdsInsertSql, touchedProfilesSql } from './features-sql';
import { backfillIdentities, backfillTraits, profileMark, saveBackfillMark, type ProfileMark } from './traits';
import { nextVersion, run, selectRows } from '../stores/clickhouse/sql';
import { profileIdentitiesSql } from './identity';
import { asOfFor } from '../workspaces/as-of';
import { fitWorkspaceClv } from './clv/store';

export interface RecomputeTimings {
  identitiesMs: number;
  traitsMs: number;
  featuresMs: number;
  /** Which pass ran, and how many profiles it recomputed (every one for a full pass: null). */
  pass: 'full' | 'incremental';
  profiles: number | null;
  /**
   * The profiles whose events, merges or traits arrived within the pass's window (their ids and
   * traits may have changed outside the real-time path): those an incremental pass recomputed; for a
   * full pass, absent when it was the first (every profile is new then).
   */
  touched?: string[];
  /** Profiles of an incremental pass whose RFM scores alone moved (others' new orders re-ranked them). */
  rescored?: string[];
}

/** How often a scheduled pass is a full one, which also refits the CLV model and moves time-relative features of untouched profiles. */
export const fullPassEveryMs = 24 * 3600_000;

/** Profiles recomputed per statement: their ids are the statement's parameters. */
const chunk = 20_000;

/** Identities and traits linked from the events received since the watermark. */
async function backfill(app: App, workspaceId: string, since: string): Promise<[number, number]> {
  const t0 = performance.now();
  await backfillIdentities(app, workspaceId, await nextVersion(app), since);
  const t1 = performance.now();
  await backfillTraits(app, workspaceId, since);
  return [t1 - t0, performance.now() - t1];
}

/** Features and RFM of every profile of a workspace, computed inside ClickHouse. */
export async function recomputeFeatures(app: App, workspaceId: string, asOfMs?: number): Promise<RecomputeTimings> {
  return fullPass(app, workspaceId, await profileMark(app, workspaceId), asOfMs);
}

async function fullPass(app: App, workspaceId: string, mark: ProfileMark, asOfMs?: number): Promise<RecomputeTimings> {
  const startedAt = Date.now();
  const [identitiesMs, traitsMs] = await backfill(app, workspaceId, mark.since);
  const touched = mark.fullAt === null ? undefined : (await selectRows<{ profile_id: string }>(app.clickhouse, touchedProfilesSql, { ws: workspaceId, since: mark.since })).map((r) => r.profile_id);
  const t2 = performance.now();
  const nowMs = Date.now();
  const now = chTime(nowMs);
  const asOf = asOfMs ?? (await asOfFor(app.postgres.db, workspaceId)).getTime();
  await fitWorkspaceClv(app, workspaceId, asOf, nowMs);
  await writeAllFeatures(app, workspaceId, now, chTime(asOf));
  await saveBackfillMark(app, workspaceId, startedAt, startedAt);
  return { identitiesMs, traitsMs, featuresMs: performance.now() - t2, pass: 'full', profiles: null, ...(touched ? { touched } : {}) };
}

/**
 * Every profile's features, in steps: the per-profile aggregates into a temporary table of this pass,
 * then the features scored against the cut points of that table's customers, which are then stored for
 * later refreshes. Ranking inside one statement instead (window functions) sorted every wide row three
 * times; the table holds what those windows held in memory. Its statements share one session, which a
 * server needs to see a temporary table (and drops it with the session if the pass dies); the embedded
 * engine is one session. The table is created empty, then filled: a Replicated database refuses
 * CREATE … AS SELECT.
 */
async function writeAllFeatures(app: App, workspaceId: string, now: string, asOf: string): Promise<void> {
  const session = randomUUID();
  const table = `features_pass_${randomBytes(8).toString('hex')}`;
  const aggregates = profileAggregatesSql(false);
  await run(app.clickhouse, `CREATE TEMPORARY TABLE ${table} ENGINE = Memory EMPTY AS ${aggregates}`, { ws: workspaceId }, session);
  try {
    await run(app.clickhouse, `INSERT INTO ${table} ${aggregates}`, { ws: workspaceId }, session);
    await run(app.clickhouse, featuresInsertSql(table, false), { ws: workspaceId, now, asOf }, session);
    await run(app.clickhouse, thresholdsFromAggregatesSql(table), { ws: workspaceId, now }, session);
  } finally {
    await run(app.clickhouse, `DROP TEMPORARY TABLE IF EXISTS ${table}`, {}, session).catch(() => undefined);
  }
}

/**
 * Features of the profiles touched since the last pass (new events, merges, traits set), merged
 * into the feature table, then every customer's RFM ranked again so scores equal a full pass's.
 * The CLV model stays the last full pass's, and untouched profiles keep the time-relative features
 * (days since…, churn risk) of the as-of their last computation: the periodic full pass moves them.
 * Without a watermark (never computed) this is the full pass.
 */
export async function refreshChangedFeatures(app: App, workspaceId: string, asOfMs?: number): Promise<RecomputeTimings> {
  return incrementalPass(app, workspaceId, await profileMark(app, workspaceId), asOfMs);
}

async function incrementalPass(app: App, workspaceId: string, mark: ProfileMark, asOfMs?: number): Promise<RecomputeTimings> {
  if (mark.fullAt === null) return fullPass(app, workspaceId, mark, asOfMs);
  const startedAt = Date.now();
  const [identitiesMs, traitsMs] = await backfill(app, workspaceId, mark.since);
  const t2 = performance.now();
  const nowMs = Date.now();
  const now = chTime(nowMs);
  const asOf = chTime(asOfMs ?? (await asOfFor(app.postgres.db, workspaceId)).getTime());
  const touched = (await selectRows<{ profile_id: string }>(app.clickhouse, touchedProfilesSql, { ws: workspaceId, since: mark.since })).map((r) => r.profile_id);
  await writeProfilesFeatures(app, workspaceId, touched, now, asOf);
  // Re-ranked rows replace rows this pass wrote: a later version, as equal versions leave the survivor to part order.
  const rankedAt = chTime(Math.max(Date.now(), nowMs + 1));
  const rescored = await rerank(app, workspaceId, rankedAt);
  await run(app.clickhouse, thresholdsInsertSql, { ws: workspaceId, now: rankedAt });
  await saveBackfillMark(app, workspaceId, startedAt, mark.fullAt);
  return { identitiesMs, traitsMs, featuresMs: performance.now() - t2, pass: 'incremental', profiles: touched.length, touched, rescored };
}

/**
 * Every customer ranked again on the stored features; the rows whose scores moved are written again
 * (in chunks of ids, each read by primary key) and their ids returned.
 */
async function rerank(app: App, workspaceId: string, now: string): Promise<string[]> {
  const moved = await selectRows<{ profile_id: string; nr: number; nf: number; nm: number }>(app.clickhouse, movedScoresSql, { ws: workspaceId });
  for (let i = 0; i < moved.length; i += chunk) {
    const part = moved.slice(i, i + chunk);
    await run(app.clickhouse, rerankInsertSql, {
      ws: workspaceId,
      now,
      pids: part.map((m) => m.profile_id),
      rs: part.map((m) => Number(m.nr)),
      fs: part.map((m) => Number(m.nf)),
      ms: part.map((m) => Number(m.nm)),
    });
  }
  return moved.map((m) => m.profile_id);
}

/** The scheduled pass: incremental, or full when the last full pass is older than `fullPassEveryMs`. */
export async function scheduledFeaturePass(app: App, workspaceId: string, nowMs = Date.now()): Promise<RecomputeTimings> {
  const mark = await profileMark(app, workspaceId);
  if (mark.fullAt === null || nowMs - mark.fullAt >= fullPassEveryMs) return fullPass(app, workspaceId, mark);
  return incrementalPass(app, workspaceId, mark);
}

/** The real-time path: features of a few profiles, scored against the workspace's stored RFM cut points. */
export async function refreshProfileFeatures(app: App, workspaceId: string, profileIds: string[]): Promise<void> {
  await writeProfilesFeatures(app, workspaceId, profileIds, chTime(Date.now()), null);
}

/**
 * Features of the given profiles, scored against the stored cut points (written first if there are
 * none yet), a chunk at a time: each chunk's distinct ids and whether cut points exist come in one
 * round trip (on the embedded engine queries run one at a time, and each costs a few milliseconds
 * before it reads anything). `asOf` null: the workspace's.
 */
async function writeProfilesFeatures(app: App, workspaceId: string, profileIds: string[], now: string, asOf: string | null): Promise<void> {
  for (let i = 0; i < profileIds.length; i += chunk) {
    const [state] = await selectRows<{ ids: string[]; idPids: string[]; thresholds: string }>(
      app.clickhouse,
      `SELECT groupArray(distinct_id) AS ids, groupArray(profile_id) AS idPids,
         (SELECT count() FROM rfm_thresholds WHERE workspace_id = {ws:String}) AS thresholds
       FROM (${profileIdentitiesSql})`,
      { ws: workspaceId, pids: profileIds.slice(i, i + chunk) },
    );
    if (Number(state?.thresholds ?? 0) === 0) await run(app.clickhouse, thresholdsInsertSql, { ws: workspaceId, now });
    if (!state || state.ids.length === 0) continue;
    asOf ??= chTime((await asOfFor(app.postgres.db, workspaceId)).getTime());
    await run(app.clickhouse, featuresInsertSql(`(${profileAggregatesSql(true)})`, true), { ws: workspaceId, now, asOf, ids: state.ids, idPids: state.idPids });
  }
}
