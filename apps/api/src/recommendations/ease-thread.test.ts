import { describe, expect, it } from 'vitest';
import { easeNeighbours } from './ease';
import { easeNeighboursInWorker } from './ease-thread';

describe('EASE in a worker thread', () => {
  it('answers what the same computation answers in process', async () => {
    // A seeded basket mix, so the comparison covers many products and ties.
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const baskets = Array.from({ length: 300 }, () => Array.from(new Set(Array.from({ length: 1 + Math.floor(rand() * 8) }, () => `p${Math.floor(rand() * rand() * 60)}`))));
    const options = { items: 40, lambda: 5, neighbours: 8 };
    const inWorker = await easeNeighboursInWorker(baskets, options);
    expect(inWorker.length).toBeGreaterThan(100);
    expect(inWorker).toEqual(easeNeighbours(baskets, options));
  });

  it('rejects when the worker fails', async () => {
    await expect(easeNeighboursInWorker(null as never, { items: 1, lambda: 1, neighbours: 1 })).rejects.toThrow();
  });
});
