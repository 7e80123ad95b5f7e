import { describe, expect, it } from 'vitest';
import { OnceWriter } from './once-writer';

describe('OnceWriter', () => {
  it('writes each key once, in one batch per turn, and forgets the keys of a failed batch', async () => {
    const batches: string[][] = [];
    const errors: number[] = [];
    let fail = false;
    const writer = new OnceWriter<{ id: string }>({
      keyOf: (i) => i.id,
      write: async (batch) => {
        if (fail) throw new Error('store down');
        batches.push(batch.map((i) => i.id));
      },
      onError: (_err, count) => errors.push(count),
    });
    writer.add({ id: 'a' });
    writer.add({ id: 'b' });
    writer.add({ id: 'a' });
    await writer.drained();
    expect(batches).toEqual([['a', 'b']]);

    writer.add({ id: 'a' });
    fail = true;
    writer.add({ id: 'c' });
    await writer.drained();
    expect(errors).toEqual([1]);

    fail = false;
    writer.add({ id: 'c' });
    writer.add({ id: 'b' });
    await writer.drained();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('splits what gathered into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const writer = new OnceWriter<number>({ keyOf: String, write: async (b) => void sizes.push(b.length), onError: () => undefined, maxBatch: 2 });
    for (const n of [1, 2, 3, 4, 5]) writer.add(n);
    await writer.drained();
    expect(sizes).toEqual([2, 2, 1]);
  });
});
