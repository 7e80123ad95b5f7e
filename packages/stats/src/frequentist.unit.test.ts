import { describe, expect, it } from 'vitest';
import { effectOf } from './effect';
import { StatsInputError } from './errors';
import { welchTest } from './frequentist';
import { momentsOf, type VariantStats } from './moments';

function stats(xs: number[]): VariantStats {
  return { n: xs.length, sum: xs.reduce((s, x) => s + x, 0), sumSquares: xs.reduce((s, x) => s + x * x, 0) };
}

// R's datasets::sleep; `t.test(extra ~ group, data = sleep)` (Welch, the R default) prints
// t = -1.8608, df = 17.776, p-value = 0.07939, 95 percent CI -3.3654832 0.2054832 (group 1 − group 2).
const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe("Welch's t-test", () => {
  it("reproduces R's t.test on the sleep data", () => {
    const r = welchTest(momentsOf('mean', stats(group1)), momentsOf('mean', stats(group2)), 'absolute');
    expect(r.expected).toBeCloseTo(1.58, 12);
    expect(r.df).toBeCloseTo(17.776, 3);
    expect(r.pValue).toBeCloseTo(0.07939, 5);
    expect(r.ci[0]).toBeCloseTo(-0.2054832, 7);
    expect(r.ci[1]).toBeCloseTo(3.3654832, 7);
  });

  it('uses the delta-method variance of the relative effect, as gbstats documents', () => {
    const a = { n: 1000, mean: 10, variance: 25 };
    const b = { n: 1200, mean: 11, variance: 36 };
    const e = effectOf(a, b, 'relative');
    expect(e.estimate).toBeCloseTo(0.1, 14);
    // σ²_b/(n_b μ_a²) + μ_b² σ²_a/(n_a μ_a⁴) = 36/120000 + 121·25/10⁷
    expect(e.variance).toBeCloseTo(0.0003 + 0.0003025, 15);
    const r = welchTest(a, b, 'relative');
    expect((r.ci[0] + r.ci[1]) / 2).toBeCloseTo(0.1, 12);
  });

  it('reads a binomial metric as p(1 − p)', () => {
    const m = momentsOf('binomial', { n: 200, sum: 50, sumSquares: 50 });
    expect(m).toEqual({ n: 200, mean: 0.25, variance: 0.1875 });
  });

  it('names the field of impossible input', () => {
    expect(() => momentsOf('binomial', { n: 10, sum: 11, sumSquares: 11 }, 'variants.1')).toThrow(/variants\.1\.sum/);
    expect(() => momentsOf('mean', { n: 10, sum: 10, sumSquares: 1 }, 'variants.0')).toThrow(/variants\.0\.sum_squares/);
    expect(() => momentsOf('mean', { n: 1, sum: 1, sumSquares: 1 }, 'variants.0')).toThrow(StatsInputError);
    const zero = { n: 10, mean: 0, variance: 0 };
    expect(() => effectOf(zero, zero, 'relative')).toThrow(/variants\.0\.sum/);
  });
});
