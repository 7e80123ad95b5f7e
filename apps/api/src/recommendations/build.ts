import type { App } from '../app-handle';
import { nextRowVersions } from '../stores/postgres';
import { asOfFor } from '../workspaces';
import { affinitySql, boughtNeighboursSql, coNeighboursSql, itemStatsSql, type Similarity } from './build-sql';
import { chTime, run, selectRows } from '../stores/clickhouse/sql';
import { easeNeighboursInWorker } from './ease-thread';

export interface BuildOptions {
  /**
   * Train on behaviour before this instant: by default the workspace's as-of (historical imports are
   * scored as of their data, as RFM is), else now. An evaluation passes its cut-off.
   */
  untilMs?: number;
  /** `eval` builds never replace the live model. */
  kind?: 'live' | 'eval';
  halfLifeDays?: number;
}

/**
 * Tuning of a build. The weights follow SAR's convention (an order says more than a cart add, more
 * than a view); neighbours and the per-person cap bound the model's size and build time.
 */
export const buildTuning = {
  halfLifeDays: 60,
  weights: { buy: 4, cart: 2, view: 1 },
  neighbours: 50,
  perPersonCap: 30,
  perOrderCap: 60,
  shrink: 3,
  similarity: 'jaccard' as Similarity,
  bestSellerWindowDays: 90,
  trendingRecentDays: 7,
  trendingEarlierSpans: 4,
  /** EASE over the most-bought products: their inverse costs items³ (1,500 take seconds on one core). */
  ease: { items: 1_500, lambda: 400, neighbours: 100 },
};

export interface BuiltModel {
  version: number;
  ms: number;
}

/**
 * Rebuilds a workspace's model in ClickHouse: affinities, neighbours and popularity under a fresh
 * version, then drops the older versions of the same kind (readers switch on the `rec_models` row,
 * written last, so they never see a half-built model).
 */
export async function buildModel(app: App, workspaceId: string, options: BuildOptions = {}): Promise<BuiltModel> {
  const started = performance.now();
  const untilMs = options.untilMs ?? (await asOfFor(app.postgres.db, workspaceId)).getTime();
  const kind = options.kind ?? 'live';
  const t = buildTuning;
  const half = options.halfLifeDays ?? t.halfLifeDays;
  const [version] = await nextRowVersions(app.postgres.db, 1);
  const v = version!;
  const base = { ws: workspaceId, v, until: chTime(untilMs) };
  await run(app.clickhouse, affinitySql, { ...base, half, wBuy: t.weights.buy, wCart: t.weights.cart, wView: t.weights.view });
  await run(app.clickhouse, coNeighboursSql(t.similarity), { ...base, cap: t.perPersonCap, shrink: t.shrink, k: t.neighbours });
  await run(app.clickhouse, boughtNeighboursSql, { ...base, cap: t.perOrderCap, shrink: t.shrink, k: t.neighbours });
  await writeEase(app, base);
  await run(app.clickhouse, itemStatsSql, { ...base, windowDays: t.bestSellerWindowDays, recentDays: t.trendingRecentDays, earlierSpans: t.trendingEarlierSpans });
  await app.clickhouse.insert({
    table: 'rec_models',
    values: [{ workspace_id: workspaceId, version: v, kind, built_at: chTime(Date.now()), trained_until: base.until, half_life_days: half }],
    format: 'JSONEachRow',
  });
  await dropOlderVersions(app, workspaceId, kind, v);
  return { version: v, ms: performance.now() - started };
}

/** EASE neighbours from the build's affinities (each person's products), computed in a worker thread and stored as kind `ease`. */
async function writeEase(app: App, base: { ws: string; v: number }): Promise<void> {
  const rows = await selectRows<{ items: string[] }>(
    app.clickhouse,
    `SELECT groupArray(product_id) AS items FROM rec_affinity WHERE workspace_id = {ws:String} AND version = {v:UInt64} GROUP BY profile_id`,
    base,
  );
  const neighbours = await easeNeighboursInWorker(rows.map((r) => r.items), buildTuning.ease);
  if (neighbours.length === 0) return;
  await app.clickhouse.insert({
    table: 'rec_neighbours',
    values: neighbours.map((r) => ({ workspace_id: base.ws, version: base.v, kind: 'ease', ...r })),
    format: 'JSONEachRow',
  });
}

async function dropOlderVersions(app: App, workspaceId: string, kind: string, keep: number): Promise<void> {
  const old = await selectRows<{ version: string }>(
    app.clickhouse,
    `SELECT version FROM rec_models WHERE workspace_id = {ws:String} AND kind = {kind:String} AND version < {keep:UInt64}`,
    { ws: workspaceId, kind, keep },
  );
  if (old.length === 0) return;
  const versions = old.map((r) => Number(r.version));
  const params = { ws: workspaceId, versions };
  for (const table of ['rec_affinity', 'rec_neighbours', 'rec_item_stats', 'rec_models']) {
    await run(app.clickhouse, `DELETE FROM ${table} WHERE workspace_id = {ws:String} AND version IN {versions:Array(UInt64)}`, params);
  }
}

export interface ModelInfo {
  version: number;
  kind: string;
  builtAt: string;
  trainedUntil: string;
}

/** The newest complete model of a workspace of that kind, if any was built. */
export async function latestModel(app: App, workspaceId: string, kind: 'live' | 'eval' = 'live'): Promise<ModelInfo | null> {
  const rows = await selectRows<{ version: string; kind: string; built_at: string; trained_until: string }>(
    app.clickhouse,
    `SELECT version, kind, built_at, trained_until FROM rec_models WHERE workspace_id = {ws:String} AND kind = {kind:String} ORDER BY version DESC LIMIT 1`,
    { ws: workspaceId, kind },
  );
  const r = rows[0];
  return r ? { version: Number(r.version), kind: r.kind, builtAt: r.built_at, trainedUntil: r.trained_until } : null;
}
