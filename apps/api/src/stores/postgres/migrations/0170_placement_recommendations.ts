import type { Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// A placement whose content is a recommendation block: its strategy, count and title (JSON), or null
// for a placement whose content is its own HTML.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('onsite_placements').addColumn('recommendations', 'jsonb').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('onsite_placements').dropColumn('recommendations').execute();
}
