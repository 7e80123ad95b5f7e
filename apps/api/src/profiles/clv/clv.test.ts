import { describe, expect, it } from 'vitest';
import { seededRandom } from '@overture/stats';
import { bgnbdLogLikelihood, expectedPurchases, expectedPurchasesNew, probabilityAlive, type Recency } from './bgnbd';
import { expectedSpend, gammaGammaLogLikelihood } from './gamma-gamma';
import { cltv, fitBgNbd, fitClvModel, fitGammaGamma, type CustomerSummary } from './fit';
import { hyp2f1, lgamma } from './special';

// The BG/NBD parameters Fader, Hardie & Lee (2005) fitted on the CDNOW sample, T in weeks.
const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** Seeded uniform (mulberry32), and Gamma (Marsaglia–Tsang) and Beta samplers on it. */
function rng(seed: number) {
  const uniform = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) return gamma(shape + 1, rate) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = Math.pow(1 + c * z, 3);
      if (v > 0 && Math.log(1 - uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  };
  const beta = (a: number, b: number) => {
    const x = gamma(a, 1);
    return x / (x + gamma(b, 1));
  };
  return { uniform, gamma, beta };
}

describe('special functions', () => {
  it('log Γ matches factorials and Γ(½) = √π', () => {
    expect(lgamma(1)).toBeCloseTo(0, 12);
    expect(lgamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lgamma(200.5) - lgamma(199.5)).toBeCloseTo(Math.log(199.5), 10);
  });

  it('2F1 equals its plain series and closed forms', () => {
    const plain = (a: number, b: number, c: number, z: number) => {
      let term = 1;
      let sum = 1;
      for (let k = 0; k < 2000; k++) sum += term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
      return sum;
    };
    expect(hyp2f1(0.7, 2.3, 3.1, 0.4)).toBeCloseTo(plain(0.7, 2.3, 3.1, 0.4), 12);
    expect(hyp2f1(40.2, 42.4, 42.2, 0.3)).toBeCloseTo(plain(40.2, 42.4, 42.2, 0.3) , 6);
    // 2F1(1, 1; 2; z) = −ln(1 − z)/z
    expect(hyp2f1(1, 1, 2, 0.9)).toBeCloseTo(-Math.log(0.1) / 0.9, 12);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/z must lie/);
  });
});

describe('BG/NBD', () => {
  it('log-likelihood equals the paper’s equation 6 written out for small x', () => {
    const { r, alpha, a, b } = cdnow;
    // x = 2: Γ(r+2)/Γ(r) = r(r+1), B(a, b+2)/B(a, b) = b(b+1)/((a+b)(a+b+1)).
    const x = 2, tx = 30.43, T = 38.86;
    const lead = (r * (r + 1) * Math.pow(alpha, r) * b * (b + 1)) / ((a + b) * (a + b + 1));
    const expected = Math.log(lead * (Math.pow(alpha + T, -(r + x)) + (a / (b + x - 1)) * Math.pow(alpha + tx, -(r + x))));
    expect(bgnbdLogLikelihood(cdnow, { x, tx, T })).toBeCloseTo(expected, 12);
    // x = 0: (α/(α+T))^r
    expect(bgnbdLogLikelihood(cdnow, { x: 0, tx: 0, T: 38.86 })).toBeCloseTo(r * Math.log(alpha / (alpha + 38.86)), 12);
  });

  it('predicts the paper’s worked example: 1.226 purchases in the next 39 weeks', () => {
    const c = { x: 2, tx: 30.43, T: 38.86 };
    expect(expectedPurchases(cdnow, c, 39)).toBeCloseTo(1.226, 2);
    const odds = (cdnow.a / (cdnow.b + 1)) * Math.pow((cdnow.alpha + 38.86) / (cdnow.alpha + 30.43), cdnow.r + 2);
    expect(probabilityAlive(cdnow, c)).toBeCloseTo(1 / (1 + odds), 12);
    expect(probabilityAlive(cdnow, { x: 0, tx: 0, T: 50 })).toBe(1);
    // Long absent, frequent buyers are likely gone; recent ones are not.
    expect(probabilityAlive(cdnow, { x: 10, tx: 5, T: 78 })).toBeLessThan(0.01);
    expect(probabilityAlive(cdnow, { x: 10, tx: 77, T: 78 })).toBeGreaterThan(0.9);
  });

  it('expected purchases of a new customer match the paper’s equation 9 at t = 0 and grow with t', () => {
    expect(expectedPurchasesNew(cdnow, 1e-9)).toBeCloseTo(0, 6);
    // Small t: E[X(t)] ≈ r t / α (rate r/α while alive).
    expect(expectedPurchasesNew(cdnow, 0.01) / 0.01).toBeCloseTo(cdnow.r / cdnow.alpha, 3);
    expect(expectedPurchasesNew(cdnow, 78)).toBeGreaterThan(expectedPurchasesNew(cdnow, 39));
  });

  it('recovers the parameters of data simulated from its own generative process', () => {
    const truth = { r: 0.6, alpha: 25, a: 0.8, b: 2.5 };
    const g = rng(12);
    const customers: Recency[] = [];
    for (let i = 0; i < 6000; i++) {
      const T = 200 + 200 * g.uniform();
      const lambda = g.gamma(truth.r, truth.alpha);
      const p = g.beta(truth.a, truth.b);
      let t = 0, x = 0, tx = 0;
      for (;;) {
        t += -Math.log(1 - g.uniform()) / lambda;
        if (t > T) break;
        x++;
        tx = t;
        if (g.uniform() < p) break;
      }
      customers.push({ x, tx, T });
    }
    const fitted = fitBgNbd(customers);
    expect(fitted.r / truth.r).toBeGreaterThan(0.85);
    expect(fitted.r / truth.r).toBeLessThan(1.15);
    expect(fitted.alpha / truth.alpha).toBeGreaterThan(0.8);
    expect(fitted.alpha / truth.alpha).toBeLessThan(1.2);
    expect(fitted.a / truth.a).toBeGreaterThan(0.7);
    expect(fitted.a / truth.a).toBeLessThan(1.3);
    expect(fitted.b / truth.b).toBeGreaterThan(0.7);
    expect(fitted.b / truth.b).toBeLessThan(1.3);
  });
});

describe('Gamma–Gamma', () => {
  it('log-likelihood and expected spend follow the published formulas', () => {
    const g = { p: 6.25, q: 3.74, gamma: 15.44 };
    const s = { x: 3, mean: 40 };
    const px = g.p * s.x;
    const direct = lgamma(px + g.q) - lgamma(px) - lgamma(g.q) + g.q * Math.log(g.gamma) + (px - 1) * Math.log(s.mean) + px * Math.log(s.x) - (px + g.q) * Math.log(g.gamma + s.x * s.mean);
    expect(gammaGammaLogLikelihood(g, s)).toBeCloseTo(direct, 12);
    const population = (g.p * g.gamma) / (g.q - 1);
    const weight = px / (px + g.q - 1);
    expect(expectedSpend(g, s)).toBeCloseTo((1 - weight) * population + weight * s.mean, 10);
  });

  it('recovers the parameters of simulated spend', () => {
    const truth = { p: 5, q: 4, gamma: 20 };
    const g = rng(7);
    const spends = [];
    for (let i = 0; i < 4000; i++) {
      const nu = g.gamma(truth.q, truth.gamma);
      const x = 2 + Math.floor(g.uniform() * 8);
      let sum = 0;
      for (let k = 0; k < x; k++) sum += g.gamma(truth.p, nu);
      spends.push({ x, mean: sum / x });
    }
    const fitted = fitGammaGamma(spends);
    expect(fitted.p / truth.p).toBeGreaterThan(0.85);
    expect(fitted.p / truth.p).toBeLessThan(1.15);
    expect(fitted.q / truth.q).toBeGreaterThan(0.8);
    expect(fitted.q / truth.q).toBeLessThan(1.2);
    expect(fitted.gamma / truth.gamma).toBeGreaterThan(0.75);
    expect(fitted.gamma / truth.gamma).toBeLessThan(1.25);
  });
});

describe('CLTV', () => {
  const model = { bgnbd: { r: 0.8, alpha: 40, a: 0.6, b: 3 }, gammaGamma: { p: 4, q: 3, gamma: 50 }, customers: 100, repeatCustomers: 50, horizonMonths: 12, annualDiscount: 0.1 };

  it('is the discounted monthly sum of expected purchases times expected spend', () => {
    const c: CustomerSummary = { x: 5, tx: 300, T: 330, meanSpend: 80 };
    const spend = expectedSpend(model.gammaGamma, { x: 6, mean: 80 });
    let manual = 0;
    for (let m = 1; m <= 12; m++) manual += ((expectedPurchases(model.bgnbd, c, (m * 365.25) / 12) - expectedPurchases(model.bgnbd, c, ((m - 1) * 365.25) / 12)) * spend) / Math.pow(1.1, m / 12);
    expect(cltv(model, c)).toBeCloseTo(manual, 8);
    // Undiscounted it would be E[Y(1 year)] × spend; discounting takes off at most 10 %.
    const undiscounted = expectedPurchases(model.bgnbd, c, 365.25) * spend;
    expect(cltv(model, c)).toBeLessThan(undiscounted);
    expect(cltv(model, c)).toBeGreaterThan(undiscounted / 1.1);
  });

  it('ranks a recent frequent buyer above a lapsed one and a one-time buyer', () => {
    const recent = cltv(model, { x: 8, tx: 350, T: 360, meanSpend: 60 });
    const lapsed = cltv(model, { x: 8, tx: 100, T: 360, meanSpend: 60 });
    const once = cltv(model, { x: 0, tx: 0, T: 200, meanSpend: 60 });
    expect(recent).toBeGreaterThan(lapsed);
    expect(recent).toBeGreaterThan(once);
  });

  it('declines to fit a workspace with too few customers', () => {
    expect(fitClvModel([{ x: 1, tx: 3, T: 10, meanSpend: 5 }])).toBeNull();
  });
});
