import { describe, expect, it } from 'vitest';
import { BatchLoader } from './batch-loader';

/** A load function whose calls wait until released, recording the ids of each call; value of x is `v:x`, `gone` is absent. */
function gatedLoads(failOn?: string) {
  const calls: Array<{ key: string; ids: string[] }> = [];
  const gates: Array<() => void> = [];
  const loadMany = (key: string, ids: string[]) => {
    calls.push({ key, ids: [...ids] });
    return new Promise<Map<string, string>>((resolve, reject) =>
      gates.push(() => (failOn && ids.includes(failOn) ? reject(new Error(`bad ${failOn}`)) : resolve(new Map(ids.filter((id) => id !== 'gone').map((id) => [id, `${key}:${id}`]))))),
    );
  };
  const releaseNext = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { calls, loadMany, releaseNext };
}

describe('BatchLoader', () => {
  it('loads a lone id at once, and the ids asked for during that load together in the next one', async () => {
    const { calls, loadMany, releaseNext } = gatedLoads();
    const loader = new BatchLoader(loadMany);
    const a = loader.load('ws', 'a');
    expect(calls).toEqual([{ key: 'ws', ids: ['a'] }]);
    const rest = [loader.load('ws', 'b'), loader.load('ws', 'c'), loader.load('ws', 'b'), loader.load('ws', 'gone')];
    await releaseNext();
    expect(await a).toBe('ws:a');
    await releaseNext();
    expect(await Promise.all(rest)).toEqual(['ws:b', 'ws:c', 'ws:b', undefined]);
    expect(calls).toEqual([
      { key: 'ws', ids: ['a'] },
      { key: 'ws', ids: ['b', 'c', 'gone'] },
    ]);
  });

  it('loads other keys alongside, and never more than maxBatch ids at once', async () => {
    const { calls, loadMany, releaseNext } = gatedLoads();
    const loader = new BatchLoader(loadMany, 2);
    const first = loader.load('ws1', 'a');
    const other = loader.load('ws2', 'a');
    const queued = ['b', 'c', 'c', 'd'].map((id) => loader.load('ws1', id));
    for (let i = 0; i < 4; i++) await releaseNext();
    expect(await Promise.all([first, other, ...queued])).toEqual(['ws1:a', 'ws2:a', 'ws1:b', 'ws1:c', 'ws1:c', 'ws1:d']);
    expect(calls.map((c) => `${c.key} ${c.ids.join(',')}`)).toEqual(['ws1 a', 'ws2 a', 'ws1 b,c', 'ws1 d']);
  });

  it('rejects the callers of a failed load only, and loads again afterwards', async () => {
    const { calls, loadMany, releaseNext } = gatedLoads('x');
    const loader = new BatchLoader(loadMany);
    const first = loader.load('ws', 'a');
    const failing = [loader.load('ws', 'x'), loader.load('ws', 'b')];
    await releaseNext();
    await releaseNext();
    expect(await first).toBe('ws:a');
    await expect(failing[0]).rejects.toThrow('bad x');
    await expect(failing[1]).rejects.toThrow('bad x');
    const again = loader.load('ws', 'b');
    await releaseNext();
    expect(await again).toBe('ws:b');
    expect(calls).toHaveLength(3);
  });
});
