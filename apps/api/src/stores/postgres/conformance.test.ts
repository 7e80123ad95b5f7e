import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, createWorkspace, type TestApp } from '../../testing';
import { migratePostgres, nextRowVersions, readInstallId } from './index';

// The one suite that runs on both PostgreSQL engines: where the embedded PGlite and the server's
// `pg` driver can differ (row counts, value types, concurrency, migrations, schemas), both must give
// the domains the same answers. Domain tests run on one engine and rely on this.
describe.each(['pglite', 'postgres'] as const)('PostgreSQL store conformance (%s)', (postgres) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ postgres });
    await sql`CREATE TABLE conformance (id serial PRIMARY KEY, tag text NOT NULL, n bigint, at timestamptz, doc jsonb, list text[], amount numeric(12, 2), flag boolean)`.execute(app.postgres.db);
  });
  afterAll(() => app?.close());
  const db = () => app.postgres.db;

  it('is migrated, again without effect, and names its install', async () => {
    expect(await migratePostgres(db(), app.postgres.schema)).toEqual([]);
    expect(await readInstallId(db())).toMatch(/^[0-9a-f]{10}$/);
    expect(app.config.queuePrefix.endsWith(`:${await readInstallId(db())}`)).toBe(true);
  });

  it('returns the rows an insert, update and delete touched (the way to count them on both engines)', async () => {
    const inserted = await sql<{ id: number; tag: string }>`INSERT INTO conformance (tag) VALUES ('a'), ('a'), ('b') RETURNING id, tag`.execute(db());
    expect(inserted.rows.map((r) => r.tag)).toEqual(['a', 'a', 'b']);
    const updated = await sql<{ id: number }>`UPDATE conformance SET flag = true WHERE tag = 'a' RETURNING id`.execute(db());
    expect(updated.rows).toHaveLength(2);
    const deleted = await sql<{ tag: string }>`DELETE FROM conformance WHERE tag IN ('a', 'b') RETURNING tag`.execute(db());
    expect(deleted.rows.map((r) => r.tag).sort()).toEqual(['a', 'a', 'b']);
    expect((await sql`DELETE FROM conformance WHERE tag = 'a' RETURNING tag`.execute(db())).rows).toEqual([]);
  });

  it('reports affected-row counts', async () => {
    await sql`INSERT INTO conformance (tag) VALUES ('count'), ('count')`.execute(db());
    expect(Number((await sql`UPDATE conformance SET flag = true WHERE tag = 'count'`.execute(db())).numAffectedRows)).toBe(2);
    expect(Number((await sql`DELETE FROM conformance WHERE tag = 'count'`.execute(db())).numAffectedRows)).toBe(2);
  });

  it('gives back the same values for every column type the domains use', async () => {
    const at = new Date('2026-03-29T01:30:00.123Z');
    const doc = { text: 'tab\there, newline\nthere, quote " and \\ backslash', emoji: '🛒', nested: { list: [1, 2.5, null, true] }, empty: {} };
    const big = 9_007_199_254_740_000n;
    await sql`INSERT INTO conformance (tag, n, at, doc, list, amount, flag) VALUES ('types', ${big.toString()}::bigint, ${at}, ${JSON.stringify(doc)}::jsonb, ${['a', 'b,c', 'd"e']}::text[], 1234.5, false)`.execute(db());
    const { rows } = await sql<{ n: string | number | bigint; at: Date; doc: unknown; list: string[]; amount: string | number; flag: boolean }>`SELECT n, at, doc, list, amount, flag FROM conformance WHERE tag = 'types'`.execute(db());
    const row = rows[0]!;
    expect(BigInt(row.n)).toBe(big);
    expect(row.at).toBeInstanceOf(Date);
    expect(row.at.toISOString()).toBe(at.toISOString());
    expect(row.doc).toEqual(doc);
    expect(row.list).toEqual(['a', 'b,c', 'd"e']);
    expect(Number(row.amount)).toBe(1234.5);
    expect(row.flag).toBe(false);
    const { rows: counts } = await sql<{ c: string | number | bigint }>`SELECT count(*) AS c FROM conformance WHERE tag = 'types'`.execute(db());
    expect(Number(counts[0]!.c)).toBe(1);
  });

  it('keeps a transaction whole: all of it or, when it throws, none of it', async () => {
    await db().transaction().execute(async (trx) => {
      await sql`INSERT INTO conformance (tag) VALUES ('kept'), ('kept')`.execute(trx);
    });
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await sql`INSERT INTO conformance (tag) VALUES ('rolled back')`.execute(trx);
          throw new Error('abort');
        }),
    ).rejects.toThrow('abort');
    const { rows } = await sql<{ tag: string }>`SELECT tag FROM conformance WHERE tag IN ('kept', 'rolled back') ORDER BY tag`.execute(db());
    expect(rows.map((r) => r.tag)).toEqual(['kept', 'kept']);
  });

  it('hands out distinct row versions to concurrent callers, after the install\'s own clock', async () => {
    const versions = (await Promise.all(Array.from({ length: 10 }, () => nextRowVersions(db(), 5)))).flat();
    expect(new Set(versions).size).toBe(50);
    // Microseconds: a fresh install's versions start after its clock, whatever image it began from.
    expect(Math.min(...versions)).toBeGreaterThan((Date.now() - 60_000) * 1000);
  });

  // The server gives each transaction its own connection; PGlite has one session, which the store
  // lends to one transaction (or query) at a time, so a row lock holds the others back on both.
  it('serialises concurrent read-modify-write transactions under a row lock', async () => {
    const ws = await createWorkspace(db(), 'conformance');
    await sql`INSERT INTO conformance (tag, n) VALUES (${ws.id}, 0)`.execute(db());
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db()
          .transaction()
          .execute(async (trx) => {
            const { rows } = await sql<{ n: string | number }>`SELECT n FROM conformance WHERE tag = ${ws.id} FOR UPDATE`.execute(trx);
            await sql`UPDATE conformance SET n = ${Number(rows[0]!.n) + 1} WHERE tag = ${ws.id}`.execute(trx);
          }),
      ),
    );
    const { rows } = await sql<{ n: string | number }>`SELECT n FROM conformance WHERE tag = ${ws.id}`.execute(db());
    expect(Number(rows[0]!.n)).toBe(20);
  });

  it('keeps a plain query out of another caller\'s open transaction', async () => {
    const ws = await createWorkspace(db(), 'conformance');
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    let rollBack!: () => void;
    const rollBackNow = new Promise<void>((resolve) => (rollBack = resolve));
    const open = db()
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO conformance (tag) VALUES (${`${ws.id}:uncommitted`})`.execute(trx);
        inserted();
        await rollBackNow;
        throw new Error('abort');
      });
    await insertedYet;
    // Issued while the transaction is open: it must not see the uncommitted row, nor be part of it.
    const seen = sql<{ tag: string }>`SELECT tag FROM conformance WHERE tag LIKE ${`${ws.id}:%`}`.execute(db());
    const written = sql`INSERT INTO conformance (tag) VALUES (${`${ws.id}:plain`})`.execute(db());
    rollBack();
    await expect(open).rejects.toThrow('abort');
    // On the server the two plain statements run on their own connections, in either order: the
    // look-up may see the committed row, never the uncommitted one.
    expect((await seen).rows.filter((r) => r.tag !== `${ws.id}:plain`)).toEqual([]);
    await written;
    const { rows } = await sql<{ tag: string }>`SELECT tag FROM conformance WHERE tag LIKE ${`${ws.id}:%`}`.execute(db());
    expect(rows.map((r) => r.tag)).toEqual([`${ws.id}:plain`]);
  });
});
