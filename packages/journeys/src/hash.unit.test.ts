import { describe, expect, it } from 'vitest';
import { experimentHash, fnv1a32, variantForHash } from './hash';

// Reference values from GrowthBook's SDK test cases (cases.json, "hash"), shared by all its SDKs.
describe('experiment assignment hash (GrowthBook v2, FNV-1a 32-bit)', () => {
  it('matches GrowthBook v1 FNV-1a values', () => {
    const v1: Array<[string, number]> = [['a', 220], ['b', 77], ['ab', 946], ['def', 652], ['8952klfjas09ujkasdf', 549], ['123', 11], ['___)((*":&', 563]];
    for (const [text, mod1000] of v1) expect(fnv1a32(text) % 1000).toBe(mod1000);
  });

  it('matches GrowthBook v2 values', () => {
    const v2: Array<[string, string, number]> = [
      ['seed', 'a', 0.0505],
      ['seed', 'b', 0.2696],
      ['foo', 'ab', 0.2575],
      ['foo', 'def', 0.2019],
      ['89123klj', '8952klfjas09ujkasdf', 0.124],
      ['90850943850283058242805', '123', 0.7516],
      ['()**(%$##$%#$#', '___)((*":&', 0.0128],
    ];
    for (const [seed, value, expected] of v2) expect(experimentHash(seed, value)).toBeCloseTo(expected, 10);
  });

  it('buckets by cumulative weight', () => {
    expect(variantForHash(0, [1, 3])).toBe(0);
    expect(variantForHash(0.2499, [1, 3])).toBe(0);
    expect(variantForHash(0.25, [1, 3])).toBe(1);
    expect(variantForHash(0.9999, [50, 50])).toBe(1);
    let b = 0;
    for (let i = 0; i < 20_000; i++) b += variantForHash(experimentHash('exp', `p${i}`), [1, 1]);
    expect(b / 20_000).toBeGreaterThan(0.48);
    expect(b / 20_000).toBeLessThan(0.52);
  });
});
