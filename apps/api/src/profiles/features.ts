import type { App } from '../app';
import { chTime } from '../ingest/normalize';
import { featuresInsertSql, thresholdsInsertSql } from './features-sql';
import { backfillIdentities, backfillStart, backfillTraits, saveBackfillMark } from './traits';
import { identitiesOf } from './identity';
import { nextVersion, run, selectRows } from './sql';

export interface RecomputeTimings {
  identitiesMs: number;
  traitsMs: number;
  featuresMs: number;
}

/** Features and RFM of every profile of a workspace, computed inside ClickHouse. */
export async function recomputeFeatures(app: App, workspaceId: string): Promise<RecomputeTimings> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const since = await backfillStart(app, workspaceId);
  await backfillIdentities(app, workspaceId, nextVersion(), since);
  const t1 = performance.now();
  await backfillTraits(app, workspaceId, since);
  await saveBackfillMark(app, workspaceId, startedAt);
  const t2 = performance.now();
  const now = chTime(Date.now());
  await run(app.clickhouse, featuresInsertSql(false), { ws: workspaceId, now });
  await run(app.clickhouse, thresholdsInsertSql, { ws: workspaceId, now });
  return { identitiesMs: t1 - t0, traitsMs: t2 - t1, featuresMs: performance.now() - t2 };
}

/** The real-time path: features of a few profiles, scored against the workspace's stored RFM cut points. */
export async function refreshProfileFeatures(app: App, workspaceId: string, profileIds: string[]): Promise<void> {
  if (profileIds.length === 0) return;
  const now = chTime(Date.now());
  const has = await selectRows<{ n: string }>(app.clickhouse, `SELECT count() AS n FROM rfm_thresholds WHERE workspace_id = {ws:String}`, { ws: workspaceId });
  if (Number(has[0]?.n ?? 0) === 0) await run(app.clickhouse, thresholdsInsertSql, { ws: workspaceId, now });
  const ids = await identitiesOf(app, workspaceId, profileIds);
  if (ids.length === 0) return;
  await run(app.clickhouse, featuresInsertSql(true), { ws: workspaceId, now, ids: ids.map((i) => i.distinct_id), idPids: ids.map((i) => i.profile_id) });
}
