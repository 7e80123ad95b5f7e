import { describe, expect, it } from 'vitest';
import { easeNeighbours, invertSpd } from './ease';

describe('EASE', () => {
  it('inverts a symmetric positive definite matrix', () => {
    const m = [4, 1, 2, 1, 3, 0, 2, 0, 5];
    const a = Float64Array.from(m);
    invertSpd(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += m[i * 3 + k]! * a[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('explains away a pair that co-occurs only through a popular third product', () => {
    // Everyone with a tent also has a lamp, and bags go with tents; lamp and bag meet only via tents,
    // so for a lamp buyer the tent comes first, and the bag's weight from the lamp is below the tent's.
    const baskets = [
      ['tent', 'lamp', 'bag'], ['tent', 'lamp', 'bag'], ['tent', 'lamp'], ['tent', 'lamp', 'bag'],
      ['lamp'], ['lamp'], ['lamp', 'mug'], ['mug', 'coffee'], ['mug', 'coffee'], ['coffee'],
    ];
    const out = easeNeighbours(baskets, { items: 10, lambda: 0.5, neighbours: 10 });
    const of = (id: string) => out.filter((r) => r.product_id === id).map((r) => r.neighbour_id);
    expect(of('lamp')[0]).toBe('tent');
    expect(of('tent').slice(0, 2).sort()).toEqual(['bag', 'lamp']);
    expect(of('mug')[0]).toBe('coffee');
    expect(out.every((r) => r.score > 0 && r.product_id !== r.neighbour_id)).toBe(true);
  });

  it('covers only the most bought products', () => {
    const out = easeNeighbours([['a', 'b'], ['a', 'b'], ['a', 'c']], { items: 2, lambda: 1, neighbours: 5 });
    expect(new Set(out.flatMap((r) => [r.product_id, r.neighbour_id]))).toEqual(new Set(['a', 'b']));
  });
});
