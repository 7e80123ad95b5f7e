import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { createApp } from '../app';
import type { App } from '../app-handle';
import { createTestApp, createWorkspace, testClickhouse, type TestApp } from '../testing';
import type { ClickHouseClient } from '../stores/clickhouse';
import { nextRowVersions } from '../stores/postgres';
import { resolveLinks } from './identity';
import { selectRows } from '../stores/clickhouse/sql';

// Two processes are modelled by two apps with their own PostgreSQL pools on one schema (the
// machine has no ClickHouse server for separate processes to share; chDB is one per process).
describe('identity and row versions across processes (real PostgreSQL)', () => {
  let app1: TestApp;
  let app2: App;
  let hold: { arrived: () => void; released: Promise<void> } | null = null;

  beforeAll(async () => {
    app1 = await createTestApp({ postgres: 'postgres' });
    const real = testClickhouse().client;
    // The second process's identity writes can be held, to force one interleaving of two batches.
    const gated = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'insert') return Reflect.get(target, prop, receiver) as unknown;
        return async (args: { table: string }) => {
          const h = hold;
          if (h && args.table === 'identities') {
            hold = null;
            h.arrived();
            await h.released;
          }
          return target.insert(args as never);
        };
      },
    }) as ClickHouseClient;
    app2 = await createApp(app1.config, { clickhouse: gated, postgresSchema: app1.postgres.schema!, logger: app1.log });
  });
  afterAll(async () => {
    await app2?.close();
    await app1?.close();
  });

  const profileOf = async (ws: string, id: string) =>
    (await selectRows<{ p: string }>(app1.clickhouse, `SELECT profile_id AS p FROM identities FINAL WHERE workspace_id = {ws:String} AND distinct_id = {id:String}`, { ws, id }))[0]?.p;

  it('a merge in one process waits for a batch another process is applying to the same workspace', async () => {
    const ws = await createWorkspace(app1.postgres.db, 'race');
    await resolveLinks(app1, ws.id, [{ userId: 'u' }]);
    await resolveLinks(app1, ws.id, [{ anonymousId: 'x' }]);
    const pu = await profileOf(ws.id, 'u');
    expect(await profileOf(ws.id, 'x')).not.toBe(pu);

    // Process 2 links a new id z to x's profile; it has read x's profile and is held before writing.
    let arrived!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    hold = { arrived, released: new Promise<void>((r) => (release = r)) };
    const second = resolveLinks(app2, ws.id, [{ previousId: 'x', anonymousId: 'z' }]);
    await reached;
    // Meanwhile process 1 learns that x is u and merges x's profile into u's.
    let firstDone = false;
    const first = resolveLinks(app1, ws.id, [{ userId: 'u', anonymousId: 'x' }]).finally(() => (firstDone = true));
    // Release process 2 once process 1 has either finished (no cross-process lock) or is waiting
    // for process 2's lock: a condition, not a delay.
    for (;;) {
      if (firstDone) break;
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2 AND objid::bigint = (hashtext(${ws.id})::bigint & 4294967295)`.execute(app1.postgres.db);
      if (rows[0]!.n > 0) break;
      await sleep(10);
    }
    release();
    await Promise.all([first, second]);

    // One person: x, z and u end in one profile (without the lock z is left in x's old, merged-away profile).
    expect(await profileOf(ws.id, 'x')).toBe(pu);
    expect(await profileOf(ws.id, 'z')).toBe(pu);
  });

  it('row versions drawn by two processes increase strictly, in the order they were drawn', async () => {
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) seen.push(...(await nextRowVersions((i % 2 ? app2 : app1).postgres.db, 1 + (i % 3))));
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    // Drawn concurrently: never one value twice.
    const both = (await Promise.all([nextRowVersions(app1.postgres.db, 50), nextRowVersions(app2.postgres.db, 50), nextRowVersions(app1.postgres.db, 50)])).flat();
    expect(new Set(both).size).toBe(150);
    expect(Math.min(...both)).toBeGreaterThan(seen.at(-1)!);
    // Above every version the per-process clock wrote before the sequence existed.
    expect(seen[0]).toBeGreaterThan(Date.now() * 1000 - 60_000_000);
  });
});
