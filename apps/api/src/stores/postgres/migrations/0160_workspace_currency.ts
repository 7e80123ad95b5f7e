import type { Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// The ISO 4217 code a workspace's money is shown in (revenue, order values, CLTV).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspaces').addColumn('currency', 'text', (c) => c.notNull().defaultTo('USD')).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspaces').dropColumn('currency').execute();
}
