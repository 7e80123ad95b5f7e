import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids';

describe('recent ids', () => {
  it('remembers its last full generations and the current one, forgetting the oldest generation whole', () => {
    const ids = new RecentIds(10, 4); // three generations of four
    for (let i = 0; i < 12; i++) ids.add(`id-${i}`);
    expect(Array.from({ length: 12 }, (_, i) => ids.has(`id-${i}`)).every(Boolean)).toBe(true);
    ids.add('id-12'); // a fourth generation starts: the first four go
    expect(['id-0', 'id-3'].map((k) => ids.has(k))).toEqual([false, false]);
    expect(['id-4', 'id-12'].map((k) => ids.has(k))).toEqual([true, true]);
    expect(ids.has('never')).toBe(false);
  });
});
