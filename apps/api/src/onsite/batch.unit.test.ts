import { describe, expect, it, vi } from 'vitest';
import { BatchLoader } from './batch';

describe('BatchLoader', () => {
  it('shares one fetch between concurrent look-ups of a workspace', async () => {
    const calls: string[][] = [];
    const loader = new BatchLoader<string>(async (_ws, keys) => (calls.push(keys), new Map(keys.map((k) => [k, k.toUpperCase()]))), () => 'none', () => 1_000);
    expect(await Promise.all(['a', 'b', 'a'].map((k) => loader.load('w', k)))).toEqual(['A', 'B', 'A']);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('serves a stale answer at once while it fetches a fresh one, then serves that', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      let version = 1;
      let fetches = 0;
      let release: () => void = () => undefined;
      const loader = new BatchLoader<string>(
        async (_ws, keys) => {
          fetches++;
          const v = version;
          if (fetches > 1) await new Promise<void>((r) => (release = r));
          return new Map(keys.map((k) => [k, `${k}${v}`]));
        },
        () => 'none',
        () => 1_000,
        1_000,
        60_000,
      );
      expect(await loader.load('w', 'k')).toBe('k1');
      version = 2;
      vi.setSystemTime(Date.now() + 5_000); // past the TTL, within the stale window
      expect(await loader.load('w', 'k')).toBe('k1'); // at once, although the refresh has not landed
      expect(await loader.load('w', 'k')).toBe('k1');
      await vi.waitFor(() => expect(fetches).toBe(2)); // one refresh, however many look-ups
      release();
      await vi.waitFor(async () => expect(await loader.load('w', 'k')).toBe('k2'));
      expect(fetches).toBe(2);
      // Past TTL + stale window: the caller waits for a fresh answer.
      version = 3;
      vi.setSystemTime(Date.now() + 120_000);
      const waited = loader.load('w', 'k');
      await vi.waitFor(() => expect(fetches).toBe(3));
      release();
      expect(await waited).toBe('k3');
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps serving the stale answer when a refresh fails', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      let fail = false;
      const loader = new BatchLoader<string>(async (_ws, keys) => {
        if (fail) throw new Error('store down');
        return new Map(keys.map((k) => [k, 'ok']));
      }, () => 'none', () => 1_000, 1_000, 60_000);
      expect(await loader.load('w', 'k')).toBe('ok');
      fail = true;
      vi.setSystemTime(Date.now() + 5_000);
      expect(await loader.load('w', 'k')).toBe('ok');
      await new Promise((r) => setTimeout(r, 20));
      expect(await loader.load('w', 'k')).toBe('ok');
    } finally {
      vi.useRealTimers();
    }
  });

  it('replaces a cached answer at once when told its data changed, and only a cached one', async () => {
    let version = 1;
    const fetched: string[][] = [];
    const loader = new BatchLoader<string>(async (_ws, keys) => (fetched.push(keys), new Map(keys.map((k) => [k, `${k}${version}`]))), () => 'none', () => 60_000);
    expect(await loader.load('w', 'k')).toBe('k1');
    version = 2;
    expect(await loader.load('w', 'k')).toBe('k1'); // within the TTL
    loader.refreshKey('w', 'k');
    loader.refreshKey('w', 'never-asked');
    expect(await loader.load('w', 'k')).toBe('k2');
    expect(fetched).toEqual([['k'], ['k']]);
  });

  it('keeps the old answer when the look-up a change started fails', async () => {
    let fail = false;
    const loader = new BatchLoader<string>(async (_ws, keys) => {
      if (fail) throw new Error('store down');
      return new Map(keys.map((k) => [k, 'ok']));
    }, () => 'none', () => 60_000);
    expect(await loader.load('w', 'k')).toBe('ok');
    fail = true;
    loader.refreshKey('w', 'k');
    await expect(loader.load('w', 'k')).rejects.toThrow('store down'); // the failed look-up itself
    expect(await loader.load('w', 'k')).toBe('ok');
  });
});
