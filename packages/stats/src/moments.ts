import { StatsInputError } from './errors';

export type MetricKind = 'binomial' | 'mean';

/** Sufficient statistics of one variant: count, sum and sum of squares of the per-unit metric. */
export interface VariantStats {
  n: number;
  sum: number;
  sumSquares: number;
}

export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

/**
 * Mean and variance from sufficient statistics. A binomial metric uses p(1 − p) as GrowthBook does
 * (sum_squares equals sum for 0/1 data, so it is not needed); a mean metric the unbiased sample variance.
 */
export function momentsOf(kind: MetricKind, v: VariantStats, field = 'variant'): Moments {
  if (!Number.isFinite(v.n) || !Number.isInteger(v.n) || v.n < 2) throw new StatsInputError(`${field}.n`, 'must be an integer of at least 2');
  if (!Number.isFinite(v.sum)) throw new StatsInputError(`${field}.sum`, 'must be a finite number');
  if (kind === 'binomial') {
    if (v.sum < 0 || v.sum > v.n) throw new StatsInputError(`${field}.sum`, 'must be between 0 and n for a binomial metric');
    const p = v.sum / v.n;
    return { n: v.n, mean: p, variance: p * (1 - p) };
  }
  if (!Number.isFinite(v.sumSquares)) throw new StatsInputError(`${field}.sum_squares`, 'must be a finite number');
  const mean = v.sum / v.n;
  const centered = v.sumSquares - v.sum * mean;
  // Rounding may leave a tiny negative for constant data; a clearly negative one is impossible data.
  if (centered < -1e-9 * Math.max(1, Math.abs(v.sumSquares))) throw new StatsInputError(`${field}.sum_squares`, 'is smaller than sum²/n, which no data can produce');
  return { n: v.n, mean, variance: Math.max(0, centered) / (v.n - 1) };
}
