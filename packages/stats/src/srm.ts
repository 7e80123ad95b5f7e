import { StatsInputError } from './errors';
import { chiSquareSurvival } from './special';

/** A readout is flagged for sample-ratio mismatch below this p-value (GrowthBook's and Optimizely's default). */
export const SRM_THRESHOLD = 0.001;

/** Chi-square goodness of fit of observed counts against the intended weights (k − 1 degrees of freedom). */
export function sampleRatioMismatch(counts: number[], weights: number[]): { pValue: number; chiSquare: number; flagged: boolean } {
  if (counts.length < 2) throw new StatsInputError('srm.counts', 'needs at least two variants');
  if (weights.length !== counts.length) throw new StatsInputError('srm.weights', `needs one weight per count (${counts.length})`);
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) throw new StatsInputError(`srm.counts.${i}`, 'must be a non-negative integer');
  });
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w <= 0) throw new StatsInputError(`srm.weights.${i}`, 'must be a positive number');
  });
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return { pValue: 1, chiSquare: 0, flagged: false };
  const weightSum = weights.reduce((s, w) => s + w, 0);
  let chiSquare = 0;
  counts.forEach((c, i) => {
    const expected = (total * weights[i]!) / weightSum;
    chiSquare += ((c - expected) * (c - expected)) / expected;
  });
  const pValue = chiSquareSurvival(chiSquare, counts.length - 1);
  return { pValue, chiSquare, flagged: pValue < SRM_THRESHOLD };
}
