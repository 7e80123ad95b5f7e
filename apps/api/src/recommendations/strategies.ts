import type { Model } from './model';
import { personalScores } from './personal';

export const strategies = ['for_you', 'best_sellers', 'trending', 'new_arrivals', 'recently_viewed', 'buy_again', 'bought_together', 'similar'] as const;
export type Strategy = (typeof strategies)[number];

/** Strategies about discovery: by default they leave out what the person already bought. */
export const discoveryStrategies: ReadonlySet<Strategy> = new Set(['best_sellers', 'trending', 'new_arrivals', 'bought_together', 'similar']);

export interface Candidate {
  productId: string;
  score: number;
  reason: string;
}

export interface StrategyInput {
  model: Model;
  profileId: string | null;
  /** The product(s) of the page, the cart or the trigger event. */
  productIds: string[];
  /** Recently viewed products, newest first (read live, not from the model). */
  viewed: Array<{ productId: string; atMs: number }>;
}

const nameOf = (m: Model, id: string) => m.products.get(id)?.name || m.stats.get(id)?.seenName || id;

/**
 * How much buy-again and products looked at but not bought weigh in `for_you` against the personal
 * score (each scaled to its maximum first).
 */
export const rankTuning = { buyAgainBlend: 3, lookedAtBlend: 1 };

/**
 * The best-scored products a personal list starts from: more than any block shows, so that the
 * stock and category filters still leave a full block before the fallback.
 */
const personalCandidates = 200;

/** Products by EASE and the person's nearest people (personal.ts). */
export function personal(input: StrategyInput, excludeOwn: boolean): Candidate[] {
  const { model, profileId } = input;
  if (!profileId) return [];
  return personalScores(model.personal, profileId, excludeOwn, personalCandidates).map((p) => ({
    productId: p.productId,
    score: p.score,
    reason: p.because ? `because of your interest in ${nameOf(model, p.because)}` : 'customers who buy what you buy chose it',
  }));
}

export function buyAgain(input: StrategyInput): Candidate[] {
  const person = input.profileId ? input.model.people.get(input.profileId) : undefined;
  if (!person) return [];
  const out: Candidate[] = [];
  for (let i = 0; i < person.items.length; i++) {
    const n = person.purchases[i]!;
    if (n > 0) out.push({ productId: person.items[i]!, score: person.affinity[i]!, reason: n === 1 ? 'you bought it before' : `you bought it ${n} times` });
  }
  return out;
}

function scaled(list: Candidate[]): Candidate[] {
  const max = list.reduce((m, c) => Math.max(m, c.score), 0);
  return max > 0 ? list.map((c) => ({ ...c, score: c.score / max })) : list;
}

/**
 * `for_you`: the personal score blended with buy-again and, in the full list, with what the person
 * viewed or carted and has not bought (browse interest, as shop "for you" lists show). A product the
 * person bought weighs by how likely it is bought again: fully when they already bought it twice, else
 * by its buyers' repeat rate (a tent bought once is not offered again; coffee is). One looked at weighs
 * by its affinity against the person's strongest, so a view counts less than a purchase of theirs would.
 */
export function forYou(input: StrategyInput, discoveryOnly: boolean): Candidate[] {
  const co = scaled(personal(input, discoveryOnly));
  if (discoveryOnly) return co;
  const merged = new Map(co.map((c) => [c.productId, c]));
  const person = input.profileId ? input.model.people.get(input.profileId) : undefined;
  if (!person) return co;
  let bought = 0;
  let strongest = 0;
  for (let i = 0; i < person.items.length; i++) {
    strongest = Math.max(strongest, person.affinity[i]!);
    if (person.purchases[i]! > 0) bought = Math.max(bought, person.affinity[i]!);
  }
  const add = (id: string, score: number, reason: string) => {
    const prev = merged.get(id);
    merged.set(id, { productId: id, score: (prev?.score ?? 0) + score, reason: prev && prev.score > score ? prev.reason : reason });
  };
  for (let i = 0; i < person.items.length; i++) {
    const n = person.purchases[i]!;
    const id = person.items[i]!;
    if (n === 0) {
      if (strongest > 0) add(id, (rankTuning.lookedAtBlend * person.affinity[i]!) / strongest, 'you looked at it');
      continue;
    }
    const fit = n > 1 ? 1 : input.model.repeatRate.get(id) ?? 0;
    add(id, (rankTuning.buyAgainBlend * fit * person.affinity[i]!) / bought, n === 1 ? 'you bought it before' : `you bought it ${n} times`);
  }
  return [...merged.values()];
}

const bestSellerLists = new WeakMap<Model, Candidate[]>();
const trendingLists = new WeakMap<Model, Candidate[]>();

/** The same for everyone: computed once per model, already in order. */
export function bestSellers(model: Model): Candidate[] {
  let list = bestSellerLists.get(model);
  if (!list) bestSellerLists.set(model, (list = bestSellersOf(model)));
  return list;
}

function bestSellersOf(model: Model): Candidate[] {
  return model.bestSellers.map((id, i) => {
    const s = model.stats.get(id)!;
    return { productId: id, score: model.bestSellers.length - i, reason: `${s.buyers} buyers recently` };
  });
}

/** Momentum: buyers and viewers of the last days against the average of the same span before. */
export function trending(model: Model, earlierSpans: number): Candidate[] {
  let list = trendingLists.get(model);
  if (!list) trendingLists.set(model, (list = trendingOf(model, earlierSpans).sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1))));
  return list;
}

function trendingOf(model: Model, earlierSpans: number): Candidate[] {
  const out: Candidate[] = [];
  for (const [id, s] of model.stats) {
    const before = s.earlierBuyers / earlierSpans;
    const lift = s.recentBuyers - before;
    // Ties (common on small shops) go to the product with more buyers, then units.
    if (s.recentBuyers >= 1 && lift > 0) out.push({ productId: id, score: lift * Math.log2(1 + s.recentBuyers) + s.buyers * 1e-6 + s.units * 1e-9, reason: `${s.recentBuyers} people this week, up from ${before.toFixed(1)}` });
  }
  return out;
}

export function newArrivals(model: Model): Candidate[] {
  const out: Candidate[] = [];
  for (const [id, p] of model.products) {
    const first = model.stats.get(id)?.firstSeenMs ?? Date.parse(p.updated_at);
    out.push({ productId: id, score: first / 1e12, reason: `new since ${new Date(first).toISOString().slice(0, 10)}` });
  }
  return out;
}

export function recentlyViewed(input: StrategyInput): Candidate[] {
  return input.viewed.map((v, i) => ({ productId: v.productId, score: input.viewed.length - i, reason: `you viewed it on ${new Date(v.atMs).toISOString().slice(0, 10)}` }));
}

function neighboursOf(model: Model, kind: 'co' | 'bought', productIds: string[], reason: (name: string) => string): Candidate[] {
  const score = new Map<string, Candidate>();
  for (const pid of productIds) {
    const n = (kind === 'co' ? model.co : model.bought).get(pid);
    if (!n) continue;
    for (let j = 0; j < n.ids.length; j++) {
      const prev = score.get(n.ids[j]!);
      score.set(n.ids[j]!, { productId: n.ids[j]!, score: (prev?.score ?? 0) + n.scores[j]!, reason: prev?.reason ?? reason(nameOf(model, pid)) });
    }
  }
  return [...score.values()];
}

export function boughtTogether(input: StrategyInput): Candidate[] {
  return neighboursOf(input.model, 'bought', input.productIds, (name) => `often bought with ${name}`);
}

/** Co-viewed (co-interacted) products, those of the same category first, then the category's best sellers. */
export function similar(input: StrategyInput): Candidate[] {
  const { model } = input;
  const categories = new Set(input.productIds.map((id) => model.products.get(id)?.category).filter((c): c is string => Boolean(c)));
  const sameCategory = (id: string) => categories.has(model.products.get(id)?.category ?? '\u0000');
  const co = neighboursOf(model, 'co', input.productIds, (name) => `people interested in ${name} also liked it`).map((c) => ({ ...c, score: c.score + (sameCategory(c.productId) ? 1 : 0) }));
  if (categories.size === 0) return co;
  const seen = new Set(co.map((c) => c.productId));
  const rest = bestSellers(model)
    .filter((c) => !seen.has(c.productId) && sameCategory(c.productId))
    .map((c, i) => ({ productId: c.productId, score: 1e-3 / (i + 1), reason: `in the same category (${model.products.get(c.productId)?.category})` }));
  return [...co, ...rest];
}
