import { describe, expect, it } from 'vitest';
import { weightRows } from './weights';

describe('weightRows', () => {
  it('gives one row per re-weighting in time order, with every variant named', () => {
    const rows = weightRows(
      [
        { at: '2026-03-01T00:00:00Z', weights: { A: 50, B: 50 }, exposures: 0 },
        { at: new Date('2026-03-01T01:00:00Z'), weights: { A: 5, B: 90, C: 5 }, exposures: 900 },
      ],
      ['A', 'B', 'D'],
    );
    expect(rows).toEqual([
      { t: Date.parse('2026-03-01T00:00:00Z'), A: 50, B: 50, D: 0 },
      { t: Date.parse('2026-03-01T01:00:00Z'), A: 5, B: 90, D: 0 },
    ]);
  });
});
