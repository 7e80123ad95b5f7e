import type { App } from '../app-handle';
import { searchProducts, type CatalogProduct } from '../catalog';
import { buildModel, latestModel } from './build';
import { selectRows } from '../stores/clickhouse/sql';
import { indexPersonal, type PersonalIndex } from './personal';

/** Strongest affinity first. */
export interface PersonItems {
  items: string[];
  affinity: number[];
  purchases: number[];
}

export interface Neighbours {
  ids: string[];
  scores: number[];
}

export interface ItemStats {
  buyers: number;
  units: number;
  recentBuyers: number;
  earlierBuyers: number;
  firstSeenMs: number;
  seenName: string;
  seenPrice: number | null;
}

/** A built model held in memory: serving reads only this (no store round trip per request). */
export interface Model {
  version: number;
  trainedUntilMs: number;
  people: Map<string, PersonItems>;
  co: Map<string, Neighbours>;
  bought: Map<string, Neighbours>;
  /** EASE item-item weights (`for_you`). */
  ease: Map<string, Neighbours>;
  /** People and EASE weights by product index, for `for_you` (built when the model loads). */
  personal: PersonalIndex;
  stats: Map<string, ItemStats>;
  /** Product ids by distinct buyers within the best-seller window, most first. */
  bestSellers: string[];
  /** Per product, the share of its buyers who bought it again (smoothed): how much buy-again fits it. */
  repeatRate: Map<string, number>;
  products: Map<string, CatalogProduct>;
  /** The user and anonymous ids of the model's people, so a request by id needs no store look-up. */
  ids: Map<string, string>;
}

/** Beyond this many ids, the rest are looked up in the store (and cached) per request. */
const maxIds = 1_000_000;

const chMs = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);

async function loadNeighbours(app: App, workspaceId: string, version: number, kind: string): Promise<Map<string, Neighbours>> {
  const rows = await selectRows<{ product_id: string; ids: string[]; scores: number[] }>(
    app.clickhouse,
    `SELECT product_id, groupArray(neighbour_id) AS ids, groupArray(score) AS scores
     FROM (SELECT product_id, neighbour_id, score FROM rec_neighbours
           WHERE workspace_id = {ws:String} AND version = {v:UInt64} AND kind = {kind:String} ORDER BY product_id, score DESC)
     GROUP BY product_id`,
    { ws: workspaceId, v: version, kind },
  );
  return new Map(rows.map((r) => [r.product_id, { ids: r.ids, scores: r.scores.map(Number) }]));
}

/** Every product of the workspace's catalog (names, links, stock), a page at a time. */
export async function loadCatalog(app: App, workspaceId: string): Promise<Map<string, CatalogProduct>> {
  const products = new Map<string, CatalogProduct>();
  const limit = 5_000;
  for (let offset = 0; ; offset += limit) {
    const page = await searchProducts(app.clickhouse, workspaceId, { limit, offset });
    for (const p of page.products) products.set(p.product_id, p);
    if (page.products.length < limit) break;
  }
  return products;
}

export async function loadModel(app: App, workspaceId: string, version: number, trainedUntilMs: number): Promise<Model> {
  const params = { ws: workspaceId, v: version };
  const [peopleRows, co, bought, ease, statRows, products, idRows] = await Promise.all([
    selectRows<{ profile_id: string; items: string[]; affinity: number[]; purchases: number[] }>(
      app.clickhouse,
      `SELECT profile_id, groupArray(product_id) AS items, groupArray(affinity) AS affinity, groupArray(purchases) AS purchases
       FROM rec_affinity WHERE workspace_id = {ws:String} AND version = {v:UInt64} GROUP BY profile_id`,
      params,
    ),
    loadNeighbours(app, workspaceId, version, 'co'),
    loadNeighbours(app, workspaceId, version, 'bought'),
    loadNeighbours(app, workspaceId, version, 'ease'),
    selectRows<{ product_id: string; buyers: string; units: string; recent_buyers: string; earlier_buyers: string; first_seen_at: string; seen_name: string; seen_price: number | null }>(
      app.clickhouse,
      `SELECT product_id, buyers, units, recent_buyers, earlier_buyers, first_seen_at, seen_name, seen_price FROM rec_item_stats WHERE workspace_id = {ws:String} AND version = {v:UInt64}`,
      params,
    ),
    loadCatalog(app, workspaceId),
    selectRows<{ distinct_id: string; profile_id: string }>(
      app.clickhouse,
      `SELECT distinct_id, argMax(profile_id, version) AS profile_id FROM identities WHERE workspace_id = {ws:String}
       GROUP BY distinct_id
       HAVING profile_id IN (SELECT DISTINCT profile_id FROM rec_affinity WHERE workspace_id = {ws:String} AND version = {v:UInt64})
       LIMIT {max:UInt32}`,
      { ...params, max: maxIds },
    ),
  ]);
  const people = new Map(peopleRows.map((r) => [r.profile_id, strongestFirst(r)]));
  const stats = new Map(
    statRows.map((r) => [
      r.product_id,
      { buyers: Number(r.buyers), units: Number(r.units), recentBuyers: Number(r.recent_buyers), earlierBuyers: Number(r.earlier_buyers), firstSeenMs: chMs(r.first_seen_at), seenName: r.seen_name, seenPrice: r.seen_price === null ? null : Number(r.seen_price) },
    ]),
  );
  const bestSellers = [...stats.entries()]
    .filter(([, s]) => s.buyers > 0)
    .sort((a, b) => b[1].buyers - a[1].buyers || b[1].units - a[1].units || (a[0] < b[0] ? -1 : 1))
    .map(([id]) => id);
  return { version, trainedUntilMs, people, co, bought, ease, personal: indexPersonal(people, ease, (id) => stats.get(id)?.buyers ?? 0), stats, bestSellers, repeatRate: repeatRates(people), products, ids: new Map(idRows.map((r) => [r.distinct_id, r.profile_id])) };
}

function repeatRates(people: Map<string, PersonItems>): Map<string, number> {
  const buyers = new Map<string, number>();
  const repeaters = new Map<string, number>();
  for (const p of people.values()) {
    for (let i = 0; i < p.items.length; i++) {
      const n = p.purchases[i]!;
      if (n === 0) continue;
      buyers.set(p.items[i]!, (buyers.get(p.items[i]!) ?? 0) + 1);
      if (n > 1) repeaters.set(p.items[i]!, (repeaters.get(p.items[i]!) ?? 0) + 1);
    }
  }
  // One imaginary buyer who did not come back keeps a product bought once by one person from 100%.
  return new Map([...buyers].map(([id, n]) => [id, (repeaters.get(id) ?? 0) / (n + 1)]));
}

/** A person's products, strongest affinity first (ranking reads only the head of a long history). */
function strongestFirst(r: { items: string[]; affinity: number[]; purchases: number[] }): PersonItems {
  const order = r.items.map((_, i) => i).sort((a, b) => Number(r.affinity[b]) - Number(r.affinity[a]));
  return { items: order.map((i) => r.items[i]!), affinity: order.map((i) => Number(r.affinity[i])), purchases: order.map((i) => Number(r.purchases[i])) };
}

/** How long a process serves a model before asking the store whether a newer one was built. */
const checkEveryMs = 30_000;

interface Entry {
  model: Promise<Model | null>;
  checkedAt: number;
  checking: boolean;
  /** The model once loaded, for callers that must not wait (onsite decide). */
  settled?: Model | null;
}

declare module '../app-handle' {
  interface Services {
    /** Each workspace's live model in this process (built in `createServices`). */
    recommendationModels: Map<string, Entry>;
  }
}

async function loadLatest(app: App, workspaceId: string, current: Model | null): Promise<Model | null> {
  let info = await latestModel(app, workspaceId);
  if (!info && !current) {
    // Never built (a new workspace before its first scheduled build): build now rather than answer
    // with nothing; imports and the scheduler build ahead, so this is the rare path.
    await buildModel(app, workspaceId);
    info = await latestModel(app, workspaceId);
  }
  if (!info) return null;
  if (current && current.version === info.version) {
    // Same model; the catalog (stock, prices) is re-read, so sold-out products drop out quickly.
    return { ...current, products: await loadCatalog(app, workspaceId) };
  }
  return loadModel(app, workspaceId, info.version, chMs(info.trainedUntil));
}

/**
 * The workspace's live model, from memory. A stale entry keeps serving while a newer one loads in
 * the background, so a request never waits on a reload after the first.
 */
export async function liveModel(app: App, workspaceId: string, nowMs = Date.now()): Promise<Model | null> {
  const byWs = app.services.recommendationModels;
  const entry = byWs.get(workspaceId);
  if (!entry) {
    const model = loadLatest(app, workspaceId, null);
    const fresh: Entry = { model, checkedAt: nowMs, checking: false };
    byWs.set(workspaceId, fresh);
    model.then((m) => (fresh.settled = m)).catch(() => byWs.delete(workspaceId));
    return model;
  }
  if (nowMs - entry.checkedAt >= checkEveryMs && !entry.checking) {
    entry.checking = true;
    const current = await entry.model;
    loadLatest(app, workspaceId, current)
      .then((m) => {
        entry.model = Promise.resolve(m);
        entry.settled = m;
        entry.checkedAt = Date.now();
      })
      .catch((err: unknown) => app.log.warn('recommendation model not reloaded', { error: (err as Error).message }))
      .finally(() => (entry.checking = false));
  }
  return entry.model;
}

/**
 * The workspace's model if this process holds one now, else null; either way a load or refresh is
 * started, so a caller with a latency budget never waits on ClickHouse and the next call has it.
 */
export function modelInMemory(app: App, workspaceId: string, nowMs = Date.now()): Model | null {
  liveModel(app, workspaceId, nowMs).catch((err: unknown) => app.log.warn('recommendation model not loaded', { error: (err as Error).message }));
  return app.services.recommendationModels.get(workspaceId)?.settled ?? null;
}

/** Drops the process's copy, so the next request reads the model just built. */
export function forgetModel(app: App, workspaceId: string): void {
  app.services.recommendationModels.delete(workspaceId);
}
