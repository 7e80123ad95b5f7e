import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// An experiment's allocation: `fixed` (its weights as set) or `bandit` (Thompson sampling re-weights
// its variants on a schedule, never below `min_weight` each). experiment_weights keeps every
// re-weighting, so the readout can show how the shares moved and why.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('experiments')
    .addColumn('allocation', 'text', (c) => c.notNull().defaultTo('fixed').check(sql`allocation IN ('fixed', 'bandit')`))
    .addColumn('min_weight', 'double precision', (c) => c.notNull().defaultTo(0.05))
    .execute();
  await db.schema
    .createTable('experiment_weights')
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('weights', 'jsonb', (c) => c.notNull())
    .addColumn('exposures', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_weights_pk', ['experiment_id', 'computed_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('experiment_weights').execute();
  await db.schema.alterTable('experiments').dropColumn('allocation').dropColumn('min_weight').execute();
}
