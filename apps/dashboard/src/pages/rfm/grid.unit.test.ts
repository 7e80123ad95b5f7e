import { describe, expect, it } from 'vitest';
import { buildGrid, heatColor, rfmSegmentOf } from './grid';
import { rfmSegmentList } from '../segments/catalog';

describe('rfmSegmentOf', () => {
  it('follows the standard R × F grid', () => {
    expect(rfmSegmentOf(5, 5)).toBe('Champions');
    expect(rfmSegmentOf(5, 1)).toBe('New Customers');
    expect(rfmSegmentOf(4, 2)).toBe('Potential Loyalist');
    expect(rfmSegmentOf(4, 1)).toBe('Promising');
    expect(rfmSegmentOf(3, 4)).toBe('Loyal');
    expect(rfmSegmentOf(3, 3)).toBe('Need Attention');
    expect(rfmSegmentOf(3, 1)).toBe('About to Sleep');
    expect(rfmSegmentOf(1, 5)).toBe("Can't Lose");
    expect(rfmSegmentOf(2, 3)).toBe('At Risk');
    expect(rfmSegmentOf(1, 1)).toBe('Hibernating');
  });

  it('names every one of the ten segments somewhere on the grid', () => {
    const named = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) named.add(rfmSegmentOf(r, f));
    expect([...named].sort()).toEqual([...rfmSegmentList].sort());
  });
});

describe('buildGrid', () => {
  const cells = [
    { r: 5, f: 1, profiles: 4, revenue: 100 },
    { r: 1, f: 5, profiles: 2, revenue: 900 },
  ];

  it('lays out R 5 on top and F 1 on the left, zero-filling empty cells', () => {
    const g = buildGrid(cells, 'profiles');
    expect(g).toHaveLength(5);
    expect(g.every((row) => row.length === 5)).toBe(true);
    expect(g[0]![0]).toMatchObject({ r: 5, f: 1, profiles: 4, heat: 1, segment: 'New Customers' });
    expect(g[4]![4]).toMatchObject({ r: 1, f: 5, profiles: 2, heat: 0.5 });
    expect(g[2]![2]).toMatchObject({ r: 3, f: 3, profiles: 0, revenue: 0, heat: 0 });
  });

  it('scales heat by the chosen metric', () => {
    const g = buildGrid(cells, 'revenue');
    expect(g[4]![4]!.heat).toBe(1);
    expect(g[0]![0]!.heat).toBeCloseTo(100 / 900);
    expect(buildGrid([], 'revenue')[0]![0]!.heat).toBe(0);
  });

  it('colours from near-white to the accent', () => {
    expect(heatColor(0)).toBe('rgb(248, 250, 252)');
    expect(heatColor(1)).toBe('rgb(67, 56, 202)');
    expect(heatColor(7)).toBe(heatColor(1));
  });
});
