/**
 * People by what they bought, for user-based neighbours: each person's products weigh the square
 * root of their time-decayed affinity (recent and repeated purchases count more, without one
 * wholesale order drowning the rest), and each product lists the people who have it.
 */
export interface PeopleIndex {
  people: Map<string, number>;
  productIds: string[];
  productIndex: Map<string, number>;
  /** Per person: product indexes and weights, strongest affinity first. */
  items: Int32Array[];
  weights: Float64Array[];
  norms: Float64Array;
  /** Per product: the people who have it, with their weight. */
  holders: Int32Array[];
  holderWeights: Float64Array[];
  /** Per product: how many people have it (popularity, for damping). */
  counts: Int32Array;
  /** Per person dot products of one ranking, zeroed after use (ranking is synchronous). */
  scratch: Float64Array;
}

/** A person's products, strongest affinity first (the model's people). */
export interface PersonHistory {
  items: string[];
  affinity: number[];
}

export function indexPeople(people: Map<string, PersonHistory>): PeopleIndex {
  const productIndex = new Map<string, number>();
  const productIds: string[] = [];
  const items: Int32Array[] = [];
  const weights: Float64Array[] = [];
  const ids = new Map<string, number>();
  const norms = new Float64Array(people.size);
  for (const [profileId, p] of people) {
    const u = items.length;
    ids.set(profileId, u);
    const ii = new Int32Array(p.items.length);
    const ww = new Float64Array(p.items.length);
    let sq = 0;
    for (let i = 0; i < p.items.length; i++) {
      let x = productIndex.get(p.items[i]!);
      if (x === undefined) productIndex.set(p.items[i]!, (x = productIds.push(p.items[i]!) - 1));
      ii[i] = x;
      ww[i] = Math.sqrt(Math.max(0, p.affinity[i]!));
      sq += ww[i]! * ww[i]!;
    }
    items.push(ii);
    weights.push(ww);
    norms[u] = Math.sqrt(sq);
  }
  const counts = new Int32Array(productIds.length);
  for (const ii of items) for (const x of ii) counts[x]!++;
  const holders = Array.from(counts, (c) => new Int32Array(c));
  const holderWeights = Array.from(counts, (c) => new Float64Array(c));
  const filled = new Int32Array(productIds.length);
  for (let u = 0; u < items.length; u++) {
    const ii = items[u]!;
    for (let i = 0; i < ii.length; i++) {
      const x = ii[i]!;
      holders[x]![filled[x]!] = u;
      holderWeights[x]![filled[x]!++] = weights[u]![i]!;
    }
  }
  return { people: ids, productIds, productIndex, items, weights, norms, holders, holderWeights, counts, scratch: new Float64Array(items.length) };
}

export interface KnnOptions {
  /** Nearest people whose purchases are scored. */
  neighbours: number;
  /** The person's strongest products read to find them (bounds a wholesale buyer's cost). */
  read: number;
}

/** The person's nearest people (cosine over the weighted purchase vectors), closest first, as [person, similarity]. */
export function nearestPeople(index: PeopleIndex, u: number, options: KnnOptions): Array<[number, number]> {
  const near: Array<[number, number]> = [];
  if (index.norms[u] === 0) return near;
  const dots = index.scratch;
  const touched: number[] = [];
  const ii = index.items[u]!;
  const ww = index.weights[u]!;
  for (let i = 0; i < Math.min(ii.length, options.read); i++) {
    const hs = index.holders[ii[i]!]!;
    const hw = index.holderWeights[ii[i]!]!;
    const a = ww[i]!;
    for (let j = 0; j < hs.length; j++) {
      const v = hs[j]!;
      if (dots[v] === 0) touched.push(v);
      dots[v]! += a * hw[j]!;
    }
  }
  for (const v of touched) {
    if (v !== u && dots[v]! > 0) near.push([v, dots[v]! / (index.norms[u]! * index.norms[v]!)]);
    dots[v] = 0;
  }
  near.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  near.length = Math.min(near.length, options.neighbours);
  return near;
}
