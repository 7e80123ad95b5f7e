import { describe, expect, it } from 'vitest';
import { rageDetector } from './rage';

describe('rageDetector', () => {
  it('reports three clicks within a second and 30 px, once per burst', () => {
    const rage = rageDetector();
    expect(rage(0, 100, 100)).toBe(0);
    expect(rage(200, 110, 105)).toBe(0);
    expect(rage(400, 95, 110)).toBe(3);
    expect(rage(500, 100, 100)).toBe(0);
  });

  it('ignores slow clicks and clicks far apart', () => {
    const slow = rageDetector();
    expect([0, 600, 1200, 1800].map((t) => slow(t, 10, 10))).toEqual([0, 0, 0, 0]);
    const apart = rageDetector();
    expect([0, 100, 200].map((t, i) => apart(t, i * 40, 10))).toEqual([0, 0, 0]);
  });
});
