import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { isWellFormedKey, KeyResolver } from './key-resolver';
import { newSecretKey, newWriteKey } from './keys';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

/** The heap after a full collection, so garbage of the requests does not count. */
function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/** Runs `count` calls of `send`, `concurrency` at a time; returns how many answers had each status. */
async function hammer(count: number, concurrency: number, send: (i: number) => Promise<number>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const status = await send(next++);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

describe('write key look-ups', () => {
  it('accepts our key formats only', () => {
    expect(isWellFormedKey(newWriteKey())).toBe(true);
    expect(isWellFormedKey(newSecretKey())).toBe(true);
    for (const bad of ['', 'wk_', 'wk_short', `wk_${'a'.repeat(65)}`, `xx_${'a'.repeat(24)}`, `wk_${'a'.repeat(23)}!`, `wk_${'a'.repeat(24)}\n`]) expect(isWellFormedKey(bad)).toBe(false);
  });

  it('keeps memory bounded under 1,000 requests with distinct 900 KB keys in the body', async () => {
    const filler = Buffer.alloc(900 * 1024, 'k');
    const before = liveHeap();
    const statuses = await hammer(1000, 8, async (i) => {
      // Each key is distinct: a cache keyed by what was sent would hold all of them (900 MB); keeping even 2 % of each request would exceed the bound below.
      const body = Buffer.concat([Buffer.from(`{"userId":"u","event":"e","writeKey":"wk_${i}_`), filler, Buffer.from('"}')]);
      const res = await fetch(`${t.url}/v1/track`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.arrayBuffer();
      return res.status;
    });
    expect([...statuses]).toEqual([[401, 1000]]);
    const growth = liveHeap() - before;
    console.info(`1,000 requests with 900 KB keys: heap growth ${(growth / 1048576).toFixed(1)} MB, key caches ${JSON.stringify(t.app.keys.cacheSize)}`);
    expect(growth).toBeLessThan(16 * 1024 * 1024);
    expect(t.app.keys.cacheSize).toEqual({ known: 0, unknown: 0 });
    // The workspace's own key still works.
    const ok = await fetch(`${t.url}/v1/track`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey: t.workspace.writeKey, userId: 'u', event: 'e' }) });
    expect(ok.status).toBe(200);
  }, 300_000);

  it('remembers at most its bound of well-formed unknown keys, and never at the cost of known ones', async () => {
    const keys = new KeyResolver(t.app.postgres.db, { maxUnknown: 100 });
    expect(await keys.resolve(t.workspace.writeKey)).toEqual({ workspaceId: t.workspace.id, kind: 'write' });
    for (let i = 0; i < 1000; i++) expect(await keys.resolve(newWriteKey())).toBeNull();
    expect(keys.cacheSize).toEqual({ known: 1, unknown: 100 });
    expect(await keys.resolve(`${t.workspace.writeKey}x`.repeat(1000))).toBeNull();
    expect(keys.cacheSize.unknown).toBe(100);
    expect(await keys.resolve(t.workspace.writeKey)).toEqual({ workspaceId: t.workspace.id, kind: 'write' });
  });
});
