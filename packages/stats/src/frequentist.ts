import { effectOf, welchDegreesOfFreedom, type Difference } from './effect';
import type { Moments } from './moments';
import { studentTQuantile, studentTTwoSided } from './special';

export interface FrequentistResult {
  expected: number;
  ci: [number, number];
  pValue: number;
  df: number;
}

/** Welch's t-test on the absolute or (delta-method) relative difference; two-sided p-value and 1 − α interval. */
export function welchTest(a: Moments, b: Moments, difference: Difference, alpha = 0.05): FrequentistResult {
  const { estimate, variance } = effectOf(a, b, difference);
  const df = welchDegreesOfFreedom(a, b);
  const se = Math.sqrt(variance);
  if (se === 0) return { expected: estimate, ci: [estimate, estimate], pValue: estimate === 0 ? 1 : 0, df };
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  return { expected: estimate, ci: [estimate - half, estimate + half], pValue: studentTTwoSided(estimate / se, df), df };
}
