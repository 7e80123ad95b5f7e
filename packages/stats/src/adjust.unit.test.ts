import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, holm } from './adjust';

// The classic worked example: p = (0.01, 0.04, 0.03, 0.005); R's p.adjust gives
// holm: 0.03 0.06 0.06 0.02 and BH: 0.02 0.04 0.04 0.02 (in input order).
const p = [0.01, 0.04, 0.03, 0.005];

describe('multiple-comparison adjustment', () => {
  it('Holm–Bonferroni', () => {
    holm(p).forEach((q, i) => expect(q).toBeCloseTo([0.03, 0.06, 0.06, 0.02][i]!, 14));
  });

  it('Benjamini–Hochberg', () => {
    benjaminiHochberg(p).forEach((q, i) => expect(q).toBeCloseTo([0.02, 0.04, 0.04, 0.02][i]!, 14));
  });

  it('caps at 1, keeps ties and input order', () => {
    expect(holm([0.5, 0.5, 0.9])).toEqual([1, 1, 1]);
    expect(benjaminiHochberg([0.04, 0.01, 0.04])).toEqual([0.04, 0.03, 0.04]);
    expect(holm([])).toEqual([]);
  });

  it('names a p-value that is not one', () => {
    expect(() => holm([0.1, 1.5])).toThrow(/adjust\.p_values\.1/);
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(/adjust\.p_values\.0/);
  });
});
