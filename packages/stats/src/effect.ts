import { StatsInputError } from './errors';
import type { Moments } from './moments';

export type Difference = 'relative' | 'absolute';

/** The treatment effect as a point estimate and the variance of that estimate (normal approximation). */
export interface Effect {
  estimate: number;
  variance: number;
}

/**
 * Absolute: μ_b − μ_a with σ²_a/n_a + σ²_b/n_b. Relative: μ_b/μ_a − 1 with the delta-method variance
 * σ²_b/(n_b μ_a²) + μ_b² σ²_a/(n_a μ_a⁴), as in GrowthBook's gbstats.
 */
export function effectOf(a: Moments, b: Moments, difference: Difference): Effect {
  if (difference === 'absolute') return { estimate: b.mean - a.mean, variance: a.variance / a.n + b.variance / b.n };
  if (a.mean === 0) throw new StatsInputError('variants.0.sum', 'the control mean is 0, so a relative difference is undefined');
  const ma2 = a.mean * a.mean;
  return {
    estimate: b.mean / a.mean - 1,
    variance: b.variance / (b.n * ma2) + (b.mean * b.mean * a.variance) / (a.n * ma2 * ma2),
  };
}

/** Welch–Satterthwaite degrees of freedom of the difference of two means. */
export function welchDegreesOfFreedom(a: Moments, b: Moments): number {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const den = (va * va) / (a.n - 1) + (vb * vb) / (b.n - 1);
  // Both variances zero: no uncertainty to speak of; the normal limit is the honest answer.
  return den === 0 ? Infinity : ((va + vb) * (va + vb)) / den;
}
