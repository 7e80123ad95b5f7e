import { StatsInputError } from './errors';
import type { MetricKind, VariantStats } from './moments';
import { normalDraw, seededRandom } from './random';

export interface ThompsonOptions {
  kind: MetricKind;
  /** Floor for every arm's weight, so no arm starves and the readout stays estimable. */
  minWeight: number;
  seed: number;
  draws?: number;
}

/**
 * Thompson sampling weights: each arm's weight is the posterior probability that it is best, estimated from
 * seeded draws of a normal approximation of its mean (GrowthBook's bandits approximate the same way), then
 * floored: w = min + (1 − k·min)·P(best). A binomial arm starts from a uniform Beta(1, 1), so an arm with
 * no data yet is still explored.
 */
export function thompsonWeights(arms: VariantStats[], opts: ThompsonOptions): number[] {
  const k = arms.length;
  if (k < 2) throw new StatsInputError('arms', 'needs at least two arms');
  if (!(opts.minWeight >= 0) || opts.minWeight * k > 1) throw new StatsInputError('minWeight', `must be between 0 and 1/${k}`);
  const draws = opts.draws ?? 10_000;
  const posteriors = arms.map((a, i) => {
    if (!Number.isInteger(a.n) || a.n < 0) throw new StatsInputError(`arms.${i}.n`, 'must be a non-negative integer');
    if (opts.kind === 'binomial') {
      const alpha = 1 + a.sum;
      const beta = 1 + a.n - a.sum;
      const mean = alpha / (alpha + beta);
      return { mean, sd: Math.sqrt((mean * (1 - mean)) / (alpha + beta + 1)) };
    }
    if (a.n < 2) return { mean: 0, sd: Infinity };
    const mean = a.sum / a.n;
    const variance = Math.max(0, (a.sumSquares - a.sum * mean) / (a.n - 1));
    return { mean, sd: Math.sqrt(variance / a.n) };
  });
  const random = seededRandom(opts.seed);
  const wins = new Array<number>(k).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < k; i++) {
      const { mean, sd } = posteriors[i]!;
      // An arm with no data (mean metric) is drawn as a coin flip against the rest: it must be explored.
      const value = sd === Infinity ? (random() < 1 / k ? Infinity : -Infinity) : mean + sd * normalDraw(random);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    wins[best] = (wins[best] ?? 0) + 1;
  }
  return wins.map((w) => opts.minWeight + (1 - k * opts.minWeight) * (w / draws));
}
