import type { Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// A broadcast fires once: the maintenance job reads its segment and enters the members, then records
// it here, and from then on never reads that segment again for it. Keyed by the scheduled time, so a
// new version with another time is a new broadcast.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('journey_broadcasts')
    .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('scheduled_at', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'bigint', (c) => c.notNull())
    .addColumn('entered', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('journey_broadcasts_pk', ['journey_id', 'scheduled_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('journey_broadcasts').execute();
}
