import { StatsInputError } from './errors';
import type { Moments } from './moments';

/** A variant's metric y with its pre-exposure covariate x, as sufficient statistics. */
export interface CupedStats {
  n: number;
  sum: number;
  sumSquares: number;
  preSum: number;
  preSumSquares: number;
  /** Σ x·y */
  sumProduct: number;
}

/**
 * CUPED (Deng et al. 2013): y − θ(x − x̄) with θ the pooled within-variant regression slope of y on x.
 * With that θ the absolute effect equals the treatment coefficient of the regression y ~ variant + x,
 * and each variant's variance shrinks by the factor (1 − ρ²). Returns moments the tests take unchanged.
 */
export function cupedAdjust(variants: CupedStats[]): { theta: number; moments: Moments[] } {
  let sxx = 0;
  let sxy = 0;
  let totalN = 0;
  let totalX = 0;
  variants.forEach((v, i) => {
    if (!Number.isInteger(v.n) || v.n < 2) throw new StatsInputError(`variants.${i}.n`, 'must be an integer of at least 2');
    sxx += v.preSumSquares - (v.preSum * v.preSum) / v.n;
    sxy += v.sumProduct - (v.preSum * v.sum) / v.n;
    totalN += v.n;
    totalX += v.preSum;
  });
  const theta = sxx > 0 ? sxy / sxx : 0;
  const grandX = totalX / totalN;
  const moments = variants.map((v) => {
    const my = v.sum / v.n;
    const mx = v.preSum / v.n;
    const vy = (v.sumSquares - v.sum * my) / (v.n - 1);
    const vx = (v.preSumSquares - v.preSum * mx) / (v.n - 1);
    const cxy = (v.sumProduct - v.preSum * my) / (v.n - 1);
    return { n: v.n, mean: my - theta * (mx - grandX), variance: Math.max(0, vy + theta * theta * vx - 2 * theta * cxy) };
  });
  return { theta, moments };
}
