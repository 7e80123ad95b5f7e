import { describe, expect, it } from 'vitest';
import { seededRandom } from '@overture/stats';
import type { Metric, Variant } from './definition';
import type { MetricSums, VariantSums } from './metrics';
import { readout } from './readout';

const conversion: Metric = { kind: 'conversion', name: 'Ordered', event: 'Order Completed', windowHours: 72 };
const unsubscribes: Metric = { kind: 'guardrail', name: 'Unsubscribes', outcome: 'unsubscribe', windowHours: 72 };
const ab: Variant[] = [
  { name: 'A', weight: 50 },
  { name: 'B', weight: 50 },
];

/** Sufficient statistics of 0/1 outcomes without a pre-period. */
const binary = (n: number, hits: number): MetricSums => ({ sum: hits, sumSquares: hits, preSum: 0, preSumSquares: 0, sumProduct: 0 });

describe('experiment readout over sufficient statistics', () => {
  it('names B the winner when it converts 20 % better on 10 000 profiles a variant (Bayesian and frequentist)', () => {
    const sums: VariantSums[] = [
      { variant: 'A', n: 10_000, metrics: [binary(10_000, 1_000)] },
      { variant: 'B', n: 10_000, metrics: [binary(10_000, 1_200)] },
    ];
    const bayes = readout(ab, [conversion], sums, { engine: 'bayesian', sequential: false });
    expect(bayes.verdict).toMatchObject({ status: 'winner', variant: 'B' });
    const b = bayes.metrics[0]!.comparisons[0]!;
    expect(b.expected).toBeCloseTo(0.2, 10);
    expect(b.chanceToWin).toBeGreaterThan(0.999);
    expect(b.ci[0]).toBeGreaterThan(0);
    expect(b.ci[1]).toBeGreaterThan(b.expected);

    const freq = readout(ab, [conversion], sums, { engine: 'frequentist', sequential: false });
    expect(freq.engine).toBe('frequentist');
    expect(freq.metrics[0]!.comparisons[0]!.pValue).toBeLessThan(1e-4);
    expect(freq.verdict.status).toBe('winner');
    // The sequential interval is wider than the fixed one around the same estimate.
    const seq = readout(ab, [conversion], sums, { engine: 'frequentist', sequential: true });
    const [fixed, anytime] = [freq.metrics[0]!.comparisons[0]!, seq.metrics[0]!.comparisons[0]!];
    expect(seq.engine).toBe('sequential');
    expect(anytime.expected).toBeCloseTo(fixed.expected, 12);
    expect(anytime.ci[1] - anytime.ci[0]).toBeGreaterThan(fixed.ci[1] - fixed.ci[0]);
  });

  it('keeps running when the variants convert alike', () => {
    const sums: VariantSums[] = [
      { variant: 'A', n: 2_000, metrics: [binary(2_000, 200)] },
      { variant: 'B', n: 2_000, metrics: [binary(2_000, 203)] },
    ];
    const r = readout(ab, [conversion], sums, { engine: 'frequentist', sequential: true });
    expect(r.verdict.status).toBe('keep_running');
    expect(r.metrics[0]!.comparisons[0]!.verdict).toBe('inconclusive');
  });

  it('flags a sample-ratio mismatch (5 200 vs 4 800 on 50/50, p ≈ 6e-5) and says why before any winner', () => {
    const sums: VariantSums[] = [
      { variant: 'A', n: 5_200, metrics: [binary(5_200, 520)] },
      { variant: 'B', n: 4_800, metrics: [binary(4_800, 720)] },
    ];
    const r = readout(ab, [conversion], sums, { engine: 'bayesian', sequential: false });
    expect(r.srm.flagged).toBe(true);
    expect(r.srm.pValue).toBeCloseTo(6.334e-5, 7);
    expect(r.verdict.status).toBe('srm');
  });

  it('warns when a variant raises a guardrail (more unsubscribes is worse)', () => {
    const sums: VariantSums[] = [
      { variant: 'A', n: 10_000, metrics: [binary(10_000, 1_000), binary(10_000, 50)] },
      { variant: 'B', n: 10_000, metrics: [binary(10_000, 1_010), binary(10_000, 120)] },
    ];
    const r = readout(ab, [conversion, unsubscribes], sums, { engine: 'bayesian', sequential: false });
    expect(r.metrics[1]).toMatchObject({ guardrail: true, warning: true });
    expect(r.metrics[1]!.comparisons[0]!.verdict).toBe('worse');
  });

  it('adjusts p-values across variants × metrics (Holm): a borderline win alone is no longer significant', () => {
    const three: Variant[] = [...ab, { name: 'C', weight: 50 }];
    const revenue: Metric = { kind: 'count', name: 'Orders', event: 'Order Completed', windowHours: 72 };
    // B: p ≈ 0.03 on conversion, nothing elsewhere.
    const sums: VariantSums[] = [
      { variant: 'A', n: 10_000, metrics: [binary(10_000, 1_000), binary(10_000, 1_000)] },
      { variant: 'B', n: 10_000, metrics: [binary(10_000, 1_095), binary(10_000, 1_000)] },
      { variant: 'C', n: 10_000, metrics: [binary(10_000, 1_000), binary(10_000, 1_000)] },
    ];
    const r = readout(three, [conversion, revenue], sums, { engine: 'frequentist', sequential: false });
    const b = r.metrics[0]!.comparisons[0]!;
    expect(b.pValue).toBeLessThan(0.05);
    expect(b.adjustedPValue).toBeCloseTo(Math.min(1, b.pValue! * 4), 10);
    expect(b.verdict).toBe('inconclusive');
    expect(r.verdict.status).toBe('keep_running');
  });

  it('uses CUPED when the pre-exposure window explains the metric, narrowing the interval', () => {
    // Orders per profile, strongly correlated with the same count before exposure.
    const random = seededRandom(7);
    const variant = (name: string, lift: number): VariantSums => {
      const m: MetricSums = { sum: 0, sumSquares: 0, preSum: 0, preSumSquares: 0, sumProduct: 0 };
      const n = 4_000;
      for (let i = 0; i < n; i++) {
        const x = Math.floor(random() * 6);
        const y = x + (random() < 0.3 + lift ? 1 : 0);
        m.sum += y;
        m.sumSquares += y * y;
        m.preSum += x;
        m.preSumSquares += x * x;
        m.sumProduct += x * y;
      }
      return { variant: name, n, metrics: [m] };
    };
    const orders: Metric = { kind: 'count', name: 'Orders', event: 'Order Completed', windowHours: 72 };
    const sums = [variant('A', 0), variant('B', 0.05)];
    const withCuped = readout(ab, [orders], sums, { engine: 'frequentist', sequential: false });
    const without = readout(ab, [orders], sums.map((s) => ({ ...s, metrics: s.metrics.map((m) => ({ ...m, preSum: 0, preSumSquares: 0, sumProduct: 0 })) })), { engine: 'frequentist', sequential: false });
    expect(withCuped.metrics[0]!.cuped).toBe(true);
    expect(without.metrics[0]!.cuped).toBe(false);
    const width = (r: typeof withCuped) => r.metrics[0]!.comparisons[0]!.ci[1] - r.metrics[0]!.comparisons[0]!.ci[0];
    expect(width(withCuped)).toBeLessThan(width(without) / 2);
  });

  it('explains instead of testing when a variant has no exposures yet', () => {
    const r = readout(ab, [conversion], [{ variant: 'A', n: 10, metrics: [binary(10, 1)] }], { engine: 'bayesian', sequential: false });
    expect(r.variants.map((v) => v.n)).toEqual([10, 0]);
    expect(r.metrics[0]!.comparisons).toEqual([]);
    expect(r.metrics[0]!.note).toMatch(/at least 2/);
    expect(r.verdict.status).toBe('keep_running');
  });
});
