import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { ingest } from '../testing/profiles';
import { insertRows, nextVersion } from '../stores/clickhouse/sql';
import { BloomFilter, mayBeKnown, refreshMs } from './known-ids';

describe('BloomFilter', () => {
  it('never misses an id it holds, and rarely claims one it does not', () => {
    const filter = new BloomFilter(50_000);
    for (let i = 0; i < 50_000; i++) filter.add(`anon-${i}-${(i * 2654435761) % 1e9}`);
    for (let i = 0; i < 50_000; i++) expect(filter.has(`anon-${i}-${(i * 2654435761) % 1e9}`)).toBe(true);
    let wrong = 0;
    for (let i = 0; i < 50_000; i++) if (filter.has(`user-${i}@example.com`)) wrong++;
    expect(wrong / 50_000).toBeLessThan(0.02);
  });
});

describe('known ids of a workspace', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  }, 60_000);
  afterAll(() => app?.close());

  const settle = async (ws: string, id: string, expected: boolean) => {
    await expect.poll(() => mayBeKnown(app, ws, id), { timeout: refreshMs * 4, interval: 50 }).toBe(expected);
  };

  it('knows stored ids, ids this process links at once, and ids linked elsewhere after a refresh', async () => {
    const ws = await createWorkspace(app.postgres.db, 'known-ids');
    await ingest(app, ws.id, [{ type: 'identify', userId: 'old-user', anonymousId: 'old-anon' }]);
    // The first call starts the load and answers "maybe" meanwhile.
    expect(mayBeKnown(app, ws.id, 'nobody')).toBe(true);
    await settle(ws.id, 'nobody', false);
    expect(mayBeKnown(app, ws.id, 'old-user')).toBe(true);
    expect(mayBeKnown(app, ws.id, 'old-anon')).toBe(true);

    // Linked by this process: known at once.
    await ingest(app, ws.id, [{ type: 'page', anonymousId: 'new-anon' }]);
    expect(mayBeKnown(app, ws.id, 'new-anon')).toBe(true);

    // Written by another process (no in-process notice): known after a refresh.
    await insertRows(app.clickhouse, 'identities', [{ workspace_id: ws.id, distinct_id: 'elsewhere', profile_id: 'p-elsewhere', kind: 'anonymous', version: await nextVersion(app), linked_at: '2026-01-01 00:00:00.000' }]);
    expect(mayBeKnown(app, ws.id, 'elsewhere')).toBe(false);
    await settle(ws.id, 'elsewhere', true);
    // Workspaces do not share ids.
    const other = await createWorkspace(app.postgres.db, 'known-ids-other');
    expect(mayBeKnown(app, other.id, 'old-user')).toBe(true);
    await settle(other.id, 'old-user', false);
  });
});
