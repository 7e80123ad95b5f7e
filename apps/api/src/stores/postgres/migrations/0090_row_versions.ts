import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// Versions of ClickHouse ReplacingMergeTree rows (identity links, segment memberships) come from
// this sequence, so every API and worker process draws from one strictly increasing series instead
// of its own clock. It starts at the current time in microseconds: the versions written before, by
// `Date.now() * 1000`, stay below every version drawn from it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE SEQUENCE row_versions AS bigint`.execute(db);
  await sql`SELECT setval('row_versions', GREATEST(1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + 1000000))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SEQUENCE IF EXISTS row_versions`.execute(db);
}
