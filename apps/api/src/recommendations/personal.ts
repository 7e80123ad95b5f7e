import { indexPeople, nearestPeople, type PeopleIndex, type PersonHistory } from './people-knn';

/**
 * How `for_you` scores products, chosen on a validation split of the UCI data (see
 * docs/recommendations.md): EASE item-item weights from the person's products, plus their nearest
 * people's purchases, each scaled to its top product, then damped by popularity (people who have
 * the product, raised to `damping`) so a merely popular product does not crowd out a fitting one.
 * The reads are capped so that a wholesale buyer (or neighbour) with thousands of products costs
 * about what anyone else does.
 */
export const personalTuning = {
  easeWeight: 2,
  peopleWeight: 1,
  damping: 0.1,
  easeRead: 100,
  people: { neighbours: 100, read: 50 },
  /** Similarity is raised to this power, so the closest people count most. */
  sharpen: 2,
  /** Each neighbour's strongest products counted. */
  neighbourRead: 150,
  /** The person's products weigh (affinity / their top affinity)^recency in the EASE sum: 0 is binary. */
  recency: 0,
  /** How the two scores are put on one scale: by their top product, or by rank (1 / (rankK + rank)). */
  normalise: 'max' as 'max' | 'rank',
  rankK: 20,
  /**
   * Scores are multiplied by ((buyers in the best-seller window + 1) / (people who have it + 1))^trend:
   * a product selling now more than over its history is what a person is likelier to buy next.
   */
  trend: 0.2,
};

/** The model's people and EASE weights by product index, with the per-ranking scratch arrays. */
export interface PersonalIndex {
  people: PeopleIndex;
  ease: Array<{ ids: Int32Array; scores: Float64Array } | undefined>;
  /** Per product: 1 / (people who have it)^damping. */
  damping: Float64Array;
  // Scratch, zeroed after each ranking (ranking is synchronous).
  easeScore: Float64Array;
  nearScore: Float64Array;
  because: Int32Array;
  becauseWeight: Float64Array;
  own: Uint8Array;
}

export function indexPersonal(history: Map<string, PersonHistory>, ease: Map<string, { ids: string[]; scores: number[] }>, recentBuyers: (productId: string) => number = () => 0): PersonalIndex {
  const people = indexPeople(history);
  const n = people.productIds.length;
  const rows: PersonalIndex['ease'] = people.productIds.map((id) => {
    const nb = ease.get(id);
    if (!nb) return undefined;
    const keep = nb.ids.map((x, j) => [people.productIndex.get(x), nb.scores[j]!] as const).filter((r): r is readonly [number, number] => r[0] !== undefined);
    return { ids: Int32Array.from(keep.map((r) => r[0])), scores: Float64Array.from(keep.map((r) => r[1])) };
  });
  const t = personalTuning;
  const damping = Float64Array.from(people.counts, (c, x) =>
    Math.pow((recentBuyers(people.productIds[x]!) + 1) / (c + 1), t.trend) / Math.pow(Math.max(1, c), t.damping),
  );
  return { people, ease: rows, damping, easeScore: new Float64Array(n), nearScore: new Float64Array(n), because: new Int32Array(n).fill(-1), becauseWeight: new Float64Array(n), own: new Uint8Array(n) };
}

export interface PersonalScore {
  productId: string;
  score: number;
  /** The person's product that suggested it most through EASE, if any. */
  because: string | null;
}

/**
 * The person's `limit` best products with their `for_you` score; with `excludeOwn`, only those they
 * do not have yet (their own products otherwise score too: neighbours buying them again says they are
 * bought again).
 */
export function personalScores(index: PersonalIndex, profileId: string, excludeOwn: boolean, limit: number): PersonalScore[] {
  const u = index.people.people.get(profileId);
  if (u === undefined) return [];
  const t = personalTuning;
  const { easeScore, nearScore, because, becauseWeight, own } = index;
  const items = index.people.items[u]!;
  if (excludeOwn) for (const x of items) own[x] = 1;
  const touched: number[] = [];
  const touch = (y: number) => {
    if (easeScore[y] === 0 && nearScore[y] === 0) touched.push(y);
  };
  let easeMax = 0;
  const pw = index.people.weights[u]!;
  for (let i = 0; i < Math.min(items.length, t.easeRead); i++) {
    const row = index.ease[items[i]!];
    if (!row) continue;
    // weights are √affinity, strongest first
    const q = t.recency === 0 ? 1 : pw[0]! > 0 ? Math.pow(pw[i]! / pw[0]!, 2 * t.recency) : 0;
    for (let j = 0; j < row.ids.length; j++) {
      const y = row.ids[j]!;
      if (own[y]) continue;
      const w = q * row.scores[j]!;
      touch(y);
      easeScore[y]! += w;
      if (w > becauseWeight[y]!) {
        becauseWeight[y] = w;
        because[y] = items[i]!;
      }
      if (easeScore[y]! > easeMax) easeMax = easeScore[y]!;
    }
  }
  let nearMax = 0;
  for (const [v, sim] of nearestPeople(index.people, u, t.people)) {
    const s = Math.pow(sim, t.sharpen);
    const vi = index.people.items[v]!;
    const vw = index.people.weights[v]!;
    for (let i = 0; i < Math.min(vi.length, t.neighbourRead); i++) {
      const y = vi[i]!;
      if (own[y] || !(vw[i]! > 0)) continue;
      touch(y);
      nearScore[y]! += s * vw[i]!;
      if (nearScore[y]! > nearMax) nearMax = nearScore[y]!;
    }
  }
  const scored: Array<[number, number]> = [];
  if (t.normalise === 'rank') toRanks(touched, easeScore, nearScore, t.rankK);
  for (const y of touched) {
    const e = easeMax > 0 ? (t.easeWeight * easeScore[y]!) / easeMax : 0;
    const near = nearMax > 0 ? (t.peopleWeight * nearScore[y]!) / nearMax : 0;
    const s = t.normalise === 'rank' ? t.easeWeight * easeScore[y]! + t.peopleWeight * nearScore[y]! : e + near;
    scored.push([y, s * index.damping[y]!]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const ids = index.people.productIds;
  const out = scored.slice(0, limit).map(([y, score]) => ({ productId: ids[y]!, score, because: because[y]! >= 0 ? ids[because[y]!]! : null }));
  for (const y of touched) {
    easeScore[y] = 0;
    nearScore[y] = 0;
    because[y] = -1;
    becauseWeight[y] = 0;
  }
  if (excludeOwn) for (const x of items) own[x] = 0;
  return out;
}

/** Replaces each score by 1 / (k + its rank among the candidates), 0 where it was 0 (reciprocal rank fusion). */
function toRanks(touched: number[], easeScore: Float64Array, nearScore: Float64Array, k: number): void {
  for (const score of [easeScore, nearScore]) {
    const order = touched.filter((y) => score[y]! > 0).sort((a, b) => score[b]! - score[a]! || a - b);
    for (let r = 0; r < order.length; r++) score[order[r]!] = 1 / (k + r + 1);
  }
}
