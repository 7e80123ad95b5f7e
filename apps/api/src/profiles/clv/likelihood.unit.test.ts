import { describe, expect, it } from 'vitest';
import { seededRandom } from '@overture/stats';
import { bgnbdLogLikelihood, bgnbdLogLikelihoodAt, type BgNbdParams, type Recency } from './bgnbd';
import { gammaGammaLogLikelihood, gammaGammaLogLikelihoodAt, type GammaGammaParams, type Spend } from './gamma-gamma';
import { lgamma } from './special';

// The fit sums these over thousands of customers for each point the optimiser tries; the fitted
// parameters (and every churn risk and CLTV stored from them) stay the same only if each customer's
// value is the same double as the paper's formula written out term by term.
const paperBgNbd = ({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: Recency) => {
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return a1 + a2 + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  const hi = Math.max(a3, a4);
  return a1 + a2 + hi + Math.log(Math.exp(a3 - hi) + Math.exp(a4 - hi));
};
const paperGammaGamma = ({ p, q, gamma }: GammaGammaParams, { x, mean }: Spend) =>
  lgamma(p * x + q) - lgamma(p * x) - lgamma(q) + q * Math.log(gamma) + (p * x - 1) * Math.log(mean) + p * x * Math.log(x) - (p * x + q) * Math.log(gamma + x * mean);

describe('customer-value log-likelihoods over many customers', () => {
  const uniform = seededRandom(7);
  const customers = Array.from({ length: 2_000 }, () => {
    const T = 1 + uniform() * 400;
    const x = Math.floor(uniform() * uniform() * 12);
    return { x, tx: x === 0 ? 0 : uniform() * T, T, mean: 1 + uniform() * 300 };
  });

  it('give each customer the same double as the formula term by term, at any parameters', () => {
    for (const p of [{ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { r: 1.7, alpha: 30.2, a: 0.05, b: 9.1 }]) {
      const at = bgnbdLogLikelihoodAt(p);
      for (const c of customers) {
        expect(at(c)).toBe(paperBgNbd(p, c));
        expect(bgnbdLogLikelihood(p, c)).toBe(paperBgNbd(p, c));
      }
    }
    for (const g of [{ p: 6.25, q: 3.74, gamma: 15.44 }, { p: 0.9, q: 12.5, gamma: 300.1 }]) {
      const at = gammaGammaLogLikelihoodAt(g);
      for (const c of customers.filter((s) => s.x >= 2)) {
        expect(at(c)).toBe(paperGammaGamma(g, c));
        expect(gammaGammaLogLikelihood(g, c)).toBe(paperGammaGamma(g, c));
      }
    }
  });
});
