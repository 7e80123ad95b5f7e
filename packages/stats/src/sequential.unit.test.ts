import { describe, expect, it } from 'vitest';
import { welchTest } from './frequentist';
import { momentsOf } from './moments';
import { normalDraw, seededRandom } from './random';
import { sequentialTest } from './sequential';
import { studentTTwoSided } from './special';
import { effectOf, welchDegreesOfFreedom } from './effect';

describe('sequential confidence sequence', () => {
  const a = { n: 4000, mean: 0.1, variance: 0.09 };
  const b = { n: 4000, mean: 0.112, variance: 0.112 * 0.888 };

  it('is wider than the fixed-horizon interval and centred on the same estimate', () => {
    const fixed = welchTest(a, b, 'absolute');
    const seq = sequentialTest(a, b, 'absolute');
    expect(seq.expected).toBe(fixed.expected);
    expect(seq.ci[0]).toBeLessThan(fixed.ci[0]);
    expect(seq.ci[1]).toBeGreaterThan(fixed.ci[1]);
    expect(seq.pValue).toBeGreaterThan(fixed.pValue);
  });

  it('its p-value is below α exactly when its interval excludes zero', () => {
    for (const lift of [0.004, 0.008, 0.012, 0.016, 0.02, 0.03]) {
      const bb = { ...b, mean: 0.1 + lift };
      const r = sequentialTest(a, bb, 'absolute', 0.05);
      expect(r.pValue < 0.05).toBe(r.ci[0] > 0 || r.ci[1] < 0);
    }
  });
});

// Seeded simulations under A = B: n per arm, conversion 10 %. A Welch test at a fixed horizon must reject
// at ≈ α; the same test checked after every batch ("peeking") rejects far more; the confidence sequence,
// checked as often, stays below α.
describe('false-positive rate under A = B (seeded simulation)', () => {
  const simulations = 2000;
  const batches = 20;
  const batch = 100;
  const alpha = 0.05;
  const rate = 0.1;

  const random = seededRandom(20261204);
  let fixedRejects = 0;
  let peekingRejects = 0;
  let sequentialRejects = 0;
  // Mean metric (normal, variance 1) for the fixed-horizon test, to check the t-test's calibration.
  let meanRejects = 0;
  for (let s = 0; s < simulations; s++) {
    let sa = 0;
    let sb = 0;
    let peeked = false;
    let seqRejected = false;
    for (let k = 1; k <= batches; k++) {
      for (let i = 0; i < batch; i++) {
        if (random() < rate) sa++;
        if (random() < rate) sb++;
      }
      const n = k * batch;
      const ma = momentsOf('binomial', { n, sum: sa, sumSquares: sa });
      const mb = momentsOf('binomial', { n, sum: sb, sumSquares: sb });
      const e = effectOf(ma, mb, 'absolute');
      const p = e.variance === 0 ? 1 : studentTTwoSided(e.estimate / Math.sqrt(e.variance), welchDegreesOfFreedom(ma, mb));
      if (p < alpha) peeked = true;
      if (k === batches && p < alpha) fixedRejects++;
      if (sequentialTest(ma, mb, 'absolute', alpha).pValue < alpha) seqRejected = true;
    }
    if (peeked) peekingRejects++;
    if (seqRejected) sequentialRejects++;

    let ya = 0;
    let yya = 0;
    let yb = 0;
    let yyb = 0;
    for (let i = 0; i < 30; i++) {
      const x = normalDraw(random);
      const y = normalDraw(random);
      ya += x;
      yya += x * x;
      yb += y;
      yyb += y * y;
    }
    if (welchTest(momentsOf('mean', { n: 30, sum: ya, sumSquares: yya }), momentsOf('mean', { n: 30, sum: yb, sumSquares: yyb }), 'absolute').pValue < alpha) meanRejects++;
  }
  // Binomial tolerance: 4 standard errors of a 5 % rate over 2,000 simulations (≈ ±1.9 points).
  const tolerance = 4 * Math.sqrt((alpha * (1 - alpha)) / simulations);

  it('the fixed-horizon Welch test rejects at ≈ 5 % (binomial and small-sample mean metric)', () => {
    expect(Math.abs(fixedRejects / simulations - alpha)).toBeLessThan(tolerance);
    expect(Math.abs(meanRejects / simulations - alpha)).toBeLessThan(tolerance);
  });

  it('peeking at the fixed test after every batch inflates false positives well above 5 %', () => {
    expect(peekingRejects / simulations).toBeGreaterThan(alpha + tolerance);
  });

  it('the sequential test, peeked at just as often, stays at or below 5 % and below the peeking test', () => {
    expect(sequentialRejects / simulations).toBeLessThanOrEqual(alpha);
    expect(sequentialRejects).toBeLessThan(peekingRejects);
  });
});
