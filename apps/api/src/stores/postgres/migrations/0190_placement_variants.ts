import type { Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// A placement's variants (content, layout and CTA per variant, a weight, whether it is the control
// that shows nothing) as JSON, and the variant everyone sees once its experiment is decided (null
// while it runs).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('onsite_placements')
    .addColumn('variants', 'jsonb', (c) => c.notNull().defaultTo('[]'))
    .addColumn('variant_winner', 'text')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('onsite_placements').dropColumn('variants').dropColumn('variant_winner').execute();
}
