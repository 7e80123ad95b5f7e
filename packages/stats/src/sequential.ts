import { effectOf, type Difference } from './effect';
import type { Moments } from './moments';

export interface SequentialResult {
  expected: number;
  ci: [number, number];
  pValue: number;
}

/** GrowthBook's default tuning: the total sample size at which the interval is tightest. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/**
 * Asymptotic confidence sequence (Waudby-Smith et al., the form GrowthBook ships): valid at every sample
 * size at once, so a readout can be looked at after every batch without inflating false positives.
 * With N the total units, s² = N·Var(effect) and ρ tuned to `tuning`:
 *   halfwidth = s · sqrt( 2(Nρ² + 1)/(N²ρ²) · ln( sqrt(Nρ² + 1)/α ) ).
 * The p-value is the smallest α whose sequence excludes zero (solved in closed form for that ρ).
 */
export function sequentialTest(a: Moments, b: Moments, difference: Difference, alpha = 0.05, tuning = DEFAULT_SEQUENTIAL_TUNING): SequentialResult {
  const { estimate, variance } = effectOf(a, b, difference);
  const n = a.n + b.n;
  const s2 = variance * n;
  const logA = Math.log(alpha);
  const rho2 = (-2 * logA + Math.log(-2 * logA + 1)) / tuning;
  const spread = (2 * (n * rho2 + 1)) / (n * n * rho2);
  const half = Math.sqrt(s2 * spread * Math.log(Math.sqrt(n * rho2 + 1) / alpha));
  const pValue = s2 === 0 ? (estimate === 0 ? 1 : 0) : Math.min(1, Math.sqrt(n * rho2 + 1) * Math.exp(-(estimate * estimate) / (s2 * spread)));
  return { expected: estimate, ci: [estimate - half, estimate + half], pValue };
}
