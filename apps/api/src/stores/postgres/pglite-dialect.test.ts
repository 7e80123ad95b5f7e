import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createPostgres, type PostgresStore } from './index';

// The exclusive session's failure mode, on a bare PGlite: a short hold timeout turns a transaction
// that queries the outer handle (waiting on itself) into an error instead of a hang.
describe('PGlite exclusive session', () => {
  let store: PostgresStore;
  beforeAll(async () => {
    store = await createPostgres({ dataDir: 'memory://', holdTimeoutMs: 300 });
  });
  afterAll(() => store?.close());

  it('fails loudly when a transaction queries the outer handle instead of its own', async () => {
    const { db } = store;
    const deadlocked = db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await sql`select 2`.execute(db);
    });
    await expect(deadlocked).rejects.toThrow(/held by a transaction.*outer db handle instead of `trx`/s);
    // The transaction was rolled back and the session released: the store still answers.
    expect((await sql<{ n: number }>`select 3 as n`.execute(db)).rows).toEqual([{ n: 3 }]);
  });

  it('lets queued callers through in turn however long the queue, each holder being brief', async () => {
    const { db } = store;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => db.transaction().execute(async (trx) => (await sql<{ n: number }>`select ${i}::int as n`.execute(trx)).rows[0]!.n)));
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
