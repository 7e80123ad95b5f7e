import { effectOf, type Difference } from './effect';
import { StatsInputError } from './errors';
import type { Moments } from './moments';
import { normalCdf, normalPdf, normalQuantile } from './special';

/** Gaussian prior on the effect (on the chosen difference scale); `proper: false` is GrowthBook's flat default. */
export interface Prior {
  mean: number;
  variance: number;
  proper: boolean;
}

export const FLAT_PRIOR: Prior = { mean: 0, variance: 0.3, proper: false };

export interface BayesianResult {
  expected: number;
  ci: [number, number];
  chanceToWin: number;
  /** Expected loss of shipping the treatment: E[max(0, −effect)]. */
  risk: number;
  /** Expected loss of keeping the control: E[max(0, effect)]. */
  riskControl: number;
}

/** E[max(0, X)] for X ~ N(μ, σ²). */
function expectedPositivePart(mu: number, sd: number): number {
  if (sd === 0) return Math.max(0, mu);
  return sd * normalPdf(mu / sd) + mu * normalCdf(mu / sd);
}

/**
 * The effect's likelihood is N(estimate, variance); a proper prior N(m, v) combines by precision weighting.
 * Chance to win is P(effect > 0), the credible interval the central 1 − α of the posterior.
 */
export function bayesianTest(a: Moments, b: Moments, difference: Difference, prior: Prior = FLAT_PRIOR, alpha = 0.05): BayesianResult {
  const { estimate, variance } = effectOf(a, b, difference);
  let mean = estimate;
  let postVar = variance;
  if (prior.proper) {
    if (!(prior.variance > 0) || !Number.isFinite(prior.variance)) throw new StatsInputError('prior.variance', 'must be a positive number');
    if (variance === 0) postVar = 0;
    else {
      const precision = 1 / variance + 1 / prior.variance;
      postVar = 1 / precision;
      mean = (estimate / variance + prior.mean / prior.variance) * postVar;
    }
  }
  const sd = Math.sqrt(postVar);
  const z = normalQuantile(1 - alpha / 2);
  const chanceToWin = sd === 0 ? (mean > 0 ? 1 : mean < 0 ? 0 : 0.5) : normalCdf(mean / sd);
  return {
    expected: mean,
    ci: [mean - z * sd, mean + z * sd],
    chanceToWin,
    risk: expectedPositivePart(-mean, sd),
    riskControl: expectedPositivePart(mean, sd),
  };
}
