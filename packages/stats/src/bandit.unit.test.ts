import { describe, expect, it } from 'vitest';
import { thompsonWeights } from './bandit';
import { normalCdf } from './special';

describe('Thompson sampling weights', () => {
  const arms = [
    { n: 2000, sum: 200, sumSquares: 200 },
    { n: 2000, sum: 215, sumSquares: 215 },
  ];

  it('is reproducible for a seed and sums to 1', () => {
    const w1 = thompsonWeights(arms, { kind: 'binomial', minWeight: 0.05, seed: 42 });
    expect(thompsonWeights(arms, { kind: 'binomial', minWeight: 0.05, seed: 42 })).toEqual(w1);
    expect(w1.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
  });

  it('gives each arm its posterior probability of being best: Φ(Δ/√(σ²_a + σ²_b)) for two normal arms', () => {
    // Beta(1 + s, 1 + n − s) moments, then the closed form for P(B > A) of two independent normals.
    const post = arms.map(({ n, sum }) => {
      const m = (1 + sum) / (n + 2);
      return { m, v: (m * (1 - m)) / (n + 3) };
    });
    const exact = normalCdf((post[1]!.m - post[0]!.m) / Math.sqrt(post[0]!.v + post[1]!.v));
    const draws = 40_000;
    const w = thompsonWeights(arms, { kind: 'binomial', minWeight: 0, seed: 1, draws });
    // Monte Carlo error: 4 standard errors of a proportion over `draws`.
    expect(Math.abs(w[1]! - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / draws));
  });

  it('keeps every arm at or above the minimum weight', () => {
    const lopsided = [
      { n: 5000, sum: 100, sumSquares: 100 },
      { n: 5000, sum: 400, sumSquares: 400 },
      { n: 0, sum: 0, sumSquares: 0 },
    ];
    const w = thompsonWeights(lopsided, { kind: 'binomial', minWeight: 0.1, seed: 3 });
    expect(Math.min(...w)).toBeGreaterThanOrEqual(0.1);
    expect(w[0]).toBeCloseTo(0.1, 12);
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(() => thompsonWeights(lopsided, { kind: 'binomial', minWeight: 0.4, seed: 3 })).toThrow(/minWeight/);
  });
});
