import type { App } from '../app-handle';
import { chTime } from '../ingest/normalize';
import { featuresInsertSql, thresholdsInsertSql } from './features-sql';
import { backfillIdentities, backfillStart, backfillTraits, saveBackfillMark } from './traits';
import { nextVersion, run, selectRows } from '../stores/clickhouse/sql';
import { profileIdentitiesSql } from './identity';
import { asOfFor } from '../workspaces/as-of';
import { fitWorkspaceClv } from './clv/store';

export interface RecomputeTimings {
  identitiesMs: number;
  traitsMs: number;
  featuresMs: number;
}

/** Features and RFM of every profile of a workspace, computed inside ClickHouse. */
export async function recomputeFeatures(app: App, workspaceId: string, asOfMs?: number): Promise<RecomputeTimings> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const since = await backfillStart(app, workspaceId);
  await backfillIdentities(app, workspaceId, await nextVersion(app), since);
  const t1 = performance.now();
  await backfillTraits(app, workspaceId, since);
  await saveBackfillMark(app, workspaceId, startedAt);
  const t2 = performance.now();
  const nowMs = Date.now();
  const now = chTime(nowMs);
  const asOf = asOfMs ?? (await asOfFor(app.postgres.db, workspaceId)).getTime();
  await fitWorkspaceClv(app, workspaceId, asOf, nowMs);
  await run(app.clickhouse, featuresInsertSql(false), { ws: workspaceId, now, asOf: chTime(asOf) });
  await run(app.clickhouse, thresholdsInsertSql, { ws: workspaceId, now });
  return { identitiesMs: t1 - t0, traitsMs: t2 - t1, featuresMs: performance.now() - t2 };
}

/** The real-time path: features of a few profiles, scored against the workspace's stored RFM cut points. */
export async function refreshProfileFeatures(app: App, workspaceId: string, profileIds: string[]): Promise<void> {
  if (profileIds.length === 0) return;
  const nowMs = Date.now();
  const now = chTime(nowMs);
  // One round trip for the profiles' distinct ids and whether cut points exist yet: on the embedded
  // engine queries run one at a time, and each costs a few milliseconds before it reads anything.
  const [state] = await selectRows<{ ids: string[]; idPids: string[]; thresholds: string }>(
    app.clickhouse,
    `SELECT groupArray(distinct_id) AS ids, groupArray(profile_id) AS idPids,
       (SELECT count() FROM rfm_thresholds WHERE workspace_id = {ws:String}) AS thresholds
     FROM (${profileIdentitiesSql})`,
    { ws: workspaceId, pids: profileIds },
  );
  if (Number(state?.thresholds ?? 0) === 0) await run(app.clickhouse, thresholdsInsertSql, { ws: workspaceId, now });
  if (!state || state.ids.length === 0) return;
  const asOf = chTime((await asOfFor(app.postgres.db, workspaceId)).getTime());
  await run(app.clickhouse, featuresInsertSql(true), { ws: workspaceId, now, asOf, ids: state.ids, idPids: state.idPids });
}
