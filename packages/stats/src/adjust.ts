import { StatsInputError } from './errors';

export type AdjustMethod = 'holm' | 'bh';

function check(pValues: number[]): void {
  pValues.forEach((p, i) => {
    if (!Number.isFinite(p) || p < 0 || p > 1) throw new StatsInputError(`adjust.p_values.${i}`, 'must be a number between 0 and 1');
  });
}

/** Holm–Bonferroni step-down adjusted p-values (family-wise error), in input order; matches R's p.adjust("holm"). */
export function holm(pValues: number[]): number[] {
  check(pValues);
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

/** Benjamini–Hochberg step-up adjusted p-values (false discovery rate), in input order; matches R's p.adjust("BH"). */
export function benjaminiHochberg(pValues: number[]): number[] {
  check(pValues);
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const out = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const { p, i } = order[rank]!;
    running = Math.min(running, (m / (rank + 1)) * p);
    out[i] = running;
  }
  return out;
}

export function adjustPValues(method: AdjustMethod, pValues: number[]): number[] {
  return method === 'holm' ? holm(pValues) : benjaminiHochberg(pValues);
}
