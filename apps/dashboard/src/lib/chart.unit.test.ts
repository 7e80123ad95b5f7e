import { describe, expect, it } from 'vitest';
import { bucketMs, rangeByKey, ranges, toChartRows } from './chart';

describe('ranges', () => {
  it('divide into whole seconds, as the server buckets', () => {
    for (const r of ranges) expect(Number.isInteger(bucketMs(r) / 1000)).toBe(true);
  });

  it('fall back to 24 hours for an unknown key', () => {
    expect(rangeByKey('7d').hours).toBe(168);
    expect(rangeByKey('nonsense').key).toBe('24h');
    expect(rangeByKey(null).key).toBe('24h');
  });
});

describe('toChartRows', () => {
  const range = rangeByKey('24h'); // 30-minute buckets
  const now = Date.parse('2026-03-10T12:10:00Z');

  it('zero-fills every bucket of the range and stacks counts per type', () => {
    const { rows, types } = toChartRows(
      [
        { bucket: '2026-03-10T12:00:00.000Z', type: 'page', count: 3 },
        { bucket: '2026-03-10T12:00:00.000Z', type: 'track', count: 5 },
        { bucket: '2026-03-10T10:30:00.000Z', type: 'track', count: 1 },
      ],
      range,
      now,
    );
    expect(types).toEqual(['track', 'page']);
    expect(rows).toHaveLength(49);
    expect(rows[0]!.t).toBe(Date.parse('2026-03-09T12:00:00Z'));
    expect(rows.at(-1)).toEqual({ t: Date.parse('2026-03-10T12:00:00Z'), track: 5, page: 3 });
    expect(rows.find((r) => r.t === Date.parse('2026-03-10T10:30:00Z'))).toEqual({ t: Date.parse('2026-03-10T10:30:00Z'), track: 1, page: 0 });
    expect(rows.reduce((s, r) => s + (r.track ?? 0) + (r.page ?? 0), 0)).toBe(9);
  });

  it('keeps a bucket the server reports outside the local axis (clock skew) instead of dropping it', () => {
    const { rows } = toChartRows([{ bucket: '2026-03-10T12:30:00.000Z', type: 'track', count: 2 }], range, now);
    expect(rows.at(-1)).toEqual({ t: Date.parse('2026-03-10T12:30:00Z'), track: 2 });
  });

  it('has no types and only empty buckets without counts', () => {
    const { rows, types } = toChartRows([], range, now);
    expect(types).toEqual([]);
    expect(rows.every((r) => Object.keys(r).length === 1)).toBe(true);
  });
});
