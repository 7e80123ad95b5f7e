import type { App } from '../app-handle';
import { buildTuning } from './build';
import { selectRows } from '../stores/clickhouse/sql';
import { liveModel, modelInMemory, type Model } from './model';
import { indexPersonal } from './personal';
import { bestSellers, boughtTogether, buyAgain, discoveryStrategies, forYou, newArrivals, recentlyViewed, similar, trending, type Candidate, type Strategy, type StrategyInput } from './strategies';

export interface RecommendRequest {
  strategy: Strategy;
  profileId: string | null;
  productIds?: string[];
  category?: string | null;
  limit: number;
  /** Leave out what the person bought (default: for discovery strategies only). */
  excludePurchased?: boolean;
}

export interface RecommendedItem {
  product_id: string;
  name: string;
  url: string | null;
  image_url: string | null;
  price: number | null;
  score: number;
  reason: string;
}

export interface Recommendations {
  items: RecommendedItem[];
  strategy: Strategy;
  /** The strategy that filled the block (or its end) when the asked one had too little data. */
  fallback: 'trending' | 'best_sellers' | null;
}

function candidates(strategy: Strategy, input: StrategyInput, excludePurchased: boolean): Candidate[] {
  switch (strategy) {
    case 'for_you':
      return forYou(input, excludePurchased);
    case 'buy_again':
      return buyAgain(input);
    case 'best_sellers':
      return bestSellers(input.model);
    case 'trending':
      return trending(input.model, buildTuning.trendingEarlierSpans);
    case 'new_arrivals':
      return newArrivals(input.model);
    case 'recently_viewed':
      return recentlyViewed(input);
    case 'bought_together':
      return boughtTogether(input);
    case 'similar':
      return similar(input);
  }
}

const byScore = (a: Candidate, b: Candidate) => b.score - a.score || (a.productId < b.productId ? -1 : 1);

/**
 * Ranks with the model in memory: the strategy's candidates, minus out-of-stock products, the
 * products of the request and (when asked) what the person bought, in the category when one is
 * given; then tops up from trending, then best sellers, so a block is never empty.
 */
export function rankWithModel(model: Model, request: RecommendRequest, viewed: StrategyInput['viewed'] = []): Recommendations {
  const productIds = request.productIds ?? [];
  const input: StrategyInput = { model, profileId: request.profileId, productIds, viewed };
  const excludePurchased = request.excludePurchased ?? discoveryStrategies.has(request.strategy);
  const person = request.profileId ? model.people.get(request.profileId) : undefined;
  const bought = new Set<string>();
  if (excludePurchased && person) person.items.forEach((id, i) => person.purchases[i]! > 0 && bought.add(id));
  const excluded = new Set([...productIds, ...bought]);
  const keep = (c: Candidate) => {
    if (excluded.has(c.productId)) return false;
    const p = model.products.get(c.productId);
    if (p?.availability === 'out_of_stock') return false;
    return !request.category || p?.category === request.category;
  };
  const items: RecommendedItem[] = [];
  let fallback: Recommendations['fallback'] = null;
  const take = (list: Candidate[], from: Recommendations['fallback'], sorted = false) => {
    for (const c of sorted ? list : list.filter(keep).sort(byScore)) {
      if (items.length >= request.limit) return;
      if (sorted && !keep(c)) continue;
      excluded.add(c.productId);
      if (from && !fallback) fallback = from;
      const p = model.products.get(c.productId);
      const seen = model.stats.get(c.productId);
      items.push({ product_id: c.productId, name: p?.name || seen?.seenName || c.productId, url: p?.url ?? null, image_url: p?.image_url ?? null, price: p?.price ?? seen?.seenPrice ?? null, score: Math.round(c.score * 1e6) / 1e6, reason: c.reason });
    }
  };
  const popular = request.strategy === 'best_sellers' || request.strategy === 'trending';
  take(candidates(request.strategy, input, excludePurchased), null, popular);
  if (request.strategy !== 'best_sellers') {
    if (request.strategy !== 'trending' && items.length < request.limit) take(trending(model, buildTuning.trendingEarlierSpans), 'trending', true);
    if (items.length < request.limit) take(bestSellers(model), 'best_sellers', true);
  }
  return { items, strategy: request.strategy, fallback };
}

/** The products a profile viewed, newest first, read live so a view counts at once. */
async function viewedBy(app: App, workspaceId: string, profileId: string, limit: number): Promise<StrategyInput['viewed']> {
  const rows = await selectRows<{ product_id: string; at: string }>(
    app.clickhouse,
    `SELECT product_id, max(timestamp) AS at FROM (
       SELECT coalesce(nullIf(JSONExtractString(properties, 'product_id'), ''), nullIf(JSONExtractString(properties, 'sku'), ''), JSONExtractString(properties, 'id')) AS product_id, timestamp
       FROM events
       WHERE workspace_id = {ws:String} AND type = 'track' AND event = 'Product Viewed' AND is_bot = 0
         AND distinct_id IN (SELECT distinct_id FROM identities FINAL WHERE workspace_id = {ws:String} AND profile_id = {p:String})
     ) WHERE product_id != '' GROUP BY product_id ORDER BY at DESC LIMIT {limit:UInt32}`,
    { ws: workspaceId, p: profileId, limit },
  );
  return rows.map((r) => ({ productId: r.product_id, atMs: Date.parse(`${r.at.replace(' ', 'T')}Z`) }));
}

const emptyModel = (): Model => ({ version: 0, trainedUntilMs: 0, people: new Map(), co: new Map(), bought: new Map(), ease: new Map(), personal: indexPersonal(new Map(), new Map()), stats: new Map(), bestSellers: [], repeatRate: new Map(), products: new Map(), ids: new Map() });

/** Recommendations for a profile (or an unknown visitor when `profileId` is null) from the live model. */
export async function recommend(app: App, workspaceId: string, request: RecommendRequest): Promise<Recommendations> {
  const model = (await liveModel(app, workspaceId)) ?? emptyModel();
  const viewed = request.strategy === 'recently_viewed' && request.profileId ? await viewedBy(app, workspaceId, request.profileId, request.limit + 20) : [];
  return rankWithModel(model, request, viewed);
}

/**
 * The same from the model this process holds, without any store read (onsite decide has a latency
 * budget): before the first load finishes, everyone gets the fallback lists of an empty model, i.e.
 * nothing, and the caller shows no block. `recently_viewed` reads the person's viewed products as of
 * the model's build, strongest first, instead of the live event log.
 */
export function recommendFromMemory(app: App, workspaceId: string, request: RecommendRequest): Recommendations {
  const model = modelInMemory(app, workspaceId) ?? emptyModel();
  const person = request.strategy === 'recently_viewed' && request.profileId ? model.people.get(request.profileId) : undefined;
  const viewed = person ? person.items.filter((_, i) => person.purchases[i] === 0).map((productId) => ({ productId, atMs: model.trainedUntilMs })) : [];
  return rankWithModel(model, request, viewed);
}
