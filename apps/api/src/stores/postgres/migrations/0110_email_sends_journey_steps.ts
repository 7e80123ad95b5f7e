import type { Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// email_sends: one row per Message-ID, written before the SMTP transaction ('sending') and after the
// relay's 250 ('sent'). A row still 'sending' after a crash is in doubt; `relay_accepted_at` is what
// the relay reported for that Message-ID (delivery notifications to POST /v1/email/feedback).
//
// journey_step_events: the engine's step counters (entered, completed, sent, skipped...), written
// before the run's transition is stored and keyed by (run, step, node, kind), so a step repeated
// after a crash is counted once. Journey metrics are read from here, not from a memory buffer.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_sends')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('relay_accepted_at', 'bigint')
    .execute();
  await db.schema.createIndex('email_sends_profile').on('email_sends').columns(['workspace_id', 'profile_id']).execute();

  await db.schema
    .createTable('journey_step_events')
    // No foreign key to journey_runs: a run erased while one of its steps runs must not fail the
    // insert of every step batched with it (the profile erase deletes these rows itself).
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('journey_step_events_pk', ['run_id', 'step', 'node_id', 'kind'])
    .execute();
  await db.schema.createIndex('journey_step_events_journey').on('journey_step_events').columns(['journey_id', 'node_id', 'kind']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('journey_step_events').execute();
  await db.schema.dropTable('email_sends').execute();
}
