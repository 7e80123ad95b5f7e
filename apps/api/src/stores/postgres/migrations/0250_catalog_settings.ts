import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// A workspace's catalog alerts: the share of the old price a drop must reach to tell the people who
// looked at the product (`price_drop_percent`), and how far back a view or an add to cart makes
// someone one of those people (`moment_window_days`). No row means the defaults (10 %, 30 days).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalog_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('price_drop_percent', 'double precision', (c) => c.notNull().defaultTo(10))
    .addColumn('moment_window_days', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('catalog_settings').ifExists().execute();
}
