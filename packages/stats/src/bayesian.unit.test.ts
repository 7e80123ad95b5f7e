import { describe, expect, it } from 'vitest';
import { bayesianTest } from './bayesian';
import type { Moments } from './moments';

// Moments whose absolute difference has estimate `d` and variance `v` exactly: control (0, v/2·n), treatment (d, v/2·n).
function pair(d: number, v: number): [Moments, Moments] {
  return [
    { n: 100, mean: 0, variance: 50 * v },
    { n: 100, mean: d, variance: 50 * v },
  ];
}

/** E[max(0, −X)] for X ~ N(mu, sd²), by the trapezoid rule: an independent check of the closed form. */
function numericRisk(mu: number, sd: number): number {
  let total = 0;
  const steps = 200_000;
  const lo = mu - 12 * sd;
  const hi = 0;
  const h = (hi - lo) / steps;
  for (let i = 0; i <= steps; i++) {
    const x = lo + i * h;
    const f = -x * Math.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
    total += (i === 0 || i === steps ? 0.5 : 1) * f;
  }
  return Math.max(0, total * h);
}

describe('Bayesian engine', () => {
  it('with a flat prior: the posterior is the likelihood; chance to win is Φ(estimate/se)', () => {
    const [a, b] = pair(0.1, 0.0025); // se 0.05, z = 2
    const r = bayesianTest(a, b, 'absolute');
    expect(r.expected).toBeCloseTo(0.1, 14);
    expect(r.chanceToWin).toBeCloseTo(0.9772498680518208, 12); // Φ(2), normal table
    expect(r.ci[0]).toBeCloseTo(0.1 - 1.959963984540054 * 0.05, 12);
    expect(r.ci[1]).toBeCloseTo(0.1 + 1.959963984540054 * 0.05, 12);
  });

  it('expected loss matches numerical integration of the posterior', () => {
    for (const [d, v] of [
      [0.1, 0.0025],
      [-0.02, 0.0004],
      [0, 0.01],
    ] as const) {
      const r = bayesianTest(...pair(d, v), 'absolute');
      expect(r.risk).toBeCloseTo(numericRisk(d, Math.sqrt(v)), 8);
      expect(r.riskControl).toBeCloseTo(numericRisk(-d, Math.sqrt(v)), 8);
    }
  });

  it('a proper Gaussian prior shrinks by precision weighting (conjugate normal)', () => {
    // Likelihood N(0.1, 0.01), prior N(0, 0.01): posterior N(0.05, 0.005).
    const r = bayesianTest(...pair(0.1, 0.01), 'absolute', { mean: 0, variance: 0.01, proper: true });
    expect(r.expected).toBeCloseTo(0.05, 14);
    expect(r.ci[1] - r.expected).toBeCloseTo(1.959963984540054 * Math.sqrt(0.005), 12);
    expect(() => bayesianTest(...pair(0.1, 0.01), 'absolute', { mean: 0, variance: 0, proper: true })).toThrow(/prior\.variance/);
  });
});
