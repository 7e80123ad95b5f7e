import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql, type Kysely } from 'kysely';
import { createPostgres, type PostgresStore } from './db';
import { migrations } from './migrations';

// 0210 moves the journeys' default time zone onto the workspace; a zone chosen before it must survive.
describe('migration 0210_workspace_time_zone', () => {
  let store: PostgresStore;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let db: Kysely<any>;
  const migrator = () => new Migrator({ db, provider: { getMigrations: async () => migrations } });

  beforeAll(async () => {
    store = await createPostgres({ dataDir: 'memory://' });
    db = store.db;
    const { error } = await migrator().migrateTo('0190_placement_variants');
    if (error) throw error;
  }, 60_000);
  afterAll(() => store?.close());

  it('copies a stored default time zone to its workspace and gives the others UTC', async () => {
    await db.insertInto('workspaces').values([{ id: 'paris', name: 'Paris' }, { id: 'plain', name: 'Plain' }, { id: 'blank', name: 'Blank' }]).execute();
    await db
      .insertInto('journey_settings')
      .values([
        { workspace_id: 'paris', settings: JSON.stringify({ defaultTimezone: 'Europe/Paris', bestHour: 9 }) },
        { workspace_id: 'blank', settings: JSON.stringify({ bestHour: 9 }) },
      ])
      .execute();
    const { error, results } = await migrator().migrateToLatest();
    expect(error).toBeUndefined();
    expect(results?.map((r) => r.migrationName)).toContain('0210_workspace_time_zone');
    const rows = await db.selectFrom('workspaces').select(['id', 'time_zone']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'blank', time_zone: 'UTC' },
      { id: 'paris', time_zone: 'Europe/Paris' },
      { id: 'plain', time_zone: 'UTC' },
    ]);
    await db.insertInto('workspaces').values({ id: 'new', name: 'New' }).execute();
    expect((await sql<{ time_zone: string }>`select time_zone from workspaces where id = 'new'`.execute(db)).rows[0]?.time_zone).toBe('UTC');
  });
});
