// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): an item-item model in
// closed form. With G = XᵀX + λI over people's bought items and P = G⁻¹, item i suggests item j with
// weight B_ij = -P_ij / P_jj (B_jj = 0). Unlike co-occurrence, the inverse explains away a pair that
// only co-occurs because both go with a third product, which ranks new-to-the-person items better.

export interface EaseOptions {
  /** The most-bought products the matrix covers (its inverse costs items³; rarer products fall back). */
  items: number;
  /** L2 regularisation: larger leans towards plain co-occurrence. */
  lambda: number;
  /** Neighbours kept per product. */
  neighbours: number;
}

export interface ItemNeighbour {
  product_id: string;
  neighbour_id: string;
  score: number;
}

/** Inverts a symmetric positive definite n×n row-major matrix in place (Gauss-Jordan; SPD needs no pivoting). */
export function invertSpd(a: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    const ip = 1 / a[rk + k]!;
    for (let j = 0; j < n; j++) a[rk + j]! *= ip;
    a[rk + k] = ip;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ri = i * n;
      const f = a[ri + k]!;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) a[ri + j]! -= f * a[rk + j]!;
      a[ri + k] = -f * ip;
    }
  }
}

/** The EASE neighbours of each covered product, strongest first, positive weights only. */
export function easeNeighbours(baskets: Iterable<string[]>, options: EaseOptions): ItemNeighbour[] {
  const lists = [...baskets];
  const people = new Map<string, number>();
  for (const items of lists) for (const id of items) people.set(id, (people.get(id) ?? 0) + 1);
  const ids = [...people].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, options.items).map(([id]) => id);
  const n = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const g = new Float64Array(n * n);
  const row: number[] = [];
  for (const items of lists) {
    row.length = 0;
    for (const id of items) {
      const i = index.get(id);
      if (i !== undefined) row.push(i);
    }
    for (const a of row) for (const b of row) g[a * n + b]! += 1;
  }
  for (let i = 0; i < n; i++) g[i * n + i]! += options.lambda;
  invertSpd(g, n);
  const out: ItemNeighbour[] = [];
  const scored: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    scored.length = 0;
    for (let j = 0; j < n; j++) {
      const b = j === i ? 0 : -g[i * n + j]! / g[j * n + j]!;
      if (b > 0) scored.push([j, b]);
    }
    scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    for (const [j, b] of scored.slice(0, options.neighbours)) out.push({ product_id: ids[i]!, neighbour_id: ids[j]!, score: b });
  }
  return out;
}
