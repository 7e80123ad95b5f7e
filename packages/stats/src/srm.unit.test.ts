import { describe, expect, it } from 'vitest';
import { sampleRatioMismatch } from './srm';

describe('sample-ratio mismatch', () => {
  it('50/50 split, 5050 vs 4950: chi-square 1, p = P(|Z| > 1)', () => {
    const r = sampleRatioMismatch([5050, 4950], [0.5, 0.5]);
    expect(r.chiSquare).toBeCloseTo(1, 12);
    expect(r.pValue).toBeCloseTo(0.3173105078629141, 12);
    expect(r.flagged).toBe(false);
  });

  it('flags a broken split: 5200 vs 4800 gives chi-square 16, p = P(|Z| > 4) ≈ 6.33e-5', () => {
    const r = sampleRatioMismatch([5200, 4800], [1, 1]);
    expect(r.pValue).toBeCloseTo(6.334248366623996e-5, 16);
    expect(r.flagged).toBe(true);
  });

  it('three arms with unequal weights: p = exp(−χ²/2) for 2 df', () => {
    // Weights 2:1:1 over 4000 → expected 2000, 1000, 1000; observed 2060, 970, 970 → χ² = 1.8 + 0.9 + 0.9.
    const r = sampleRatioMismatch([2060, 970, 970], [2, 1, 1]);
    expect(r.chiSquare).toBeCloseTo(3.6, 12);
    expect(r.pValue).toBeCloseTo(Math.exp(-1.8), 13);
  });

  it('names the bad field', () => {
    expect(() => sampleRatioMismatch([10, 10], [1])).toThrow(/srm\.weights/);
    expect(() => sampleRatioMismatch([10, -1], [1, 1])).toThrow(/srm\.counts\.1/);
    expect(() => sampleRatioMismatch([10, 10], [1, 0])).toThrow(/srm\.weights\.1/);
  });
});
