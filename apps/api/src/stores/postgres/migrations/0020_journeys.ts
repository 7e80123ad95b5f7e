import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
// Engine times (wake, entry, send, conversion) are epoch milliseconds from the engine's injectable clock.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('journeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'published', 'paused', 'archived')`))
    .addColumn('draft', 'jsonb', (c) => c.notNull())
    .addColumn('published_version', 'integer')
    .addColumn('entered', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('journeys_workspace').on('journeys').columns(['workspace_id', 'status']).execute();

  await db.schema
    .createTable('journey_versions')
    .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('journey_versions_pk', ['journey_id', 'version'])
    .execute();

  await db.schema
    .createTable('journey_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text')
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('wake_at', 'bigint')
    .addColumn('context', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('holdout', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('entered_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('last_message_at', 'bigint')
    .addColumn('last_message_node', 'text')
    .addColumn('converted_at', 'bigint')
    .addColumn('revenue', 'double precision')
    .addColumn('attributed_node', 'text')
    .execute();
  await db.schema.createIndex('journey_runs_profile').on('journey_runs').columns(['workspace_id', 'profile_id']).execute();
  await db.schema.createIndex('journey_runs_journey').on('journey_runs').columns(['journey_id', 'status']).execute();
  await sql`create index journey_runs_due on journey_runs (wake_at) where status in ('active', 'waiting', 'waiting_event', 'holdout')`.execute(db);

  await db.schema
    .createTable('journey_entries')
    .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id').onDelete('cascade'))
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('occurrence', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entries', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_entered_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('journey_entries_pk', ['journey_id', 'profile_id', 'occurrence'])
    .execute();

  // One row per (run, node) action, claimed before the side effect: the exactly-once guard.
  await db.schema
    .createTable('journey_actions')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('claimed', 'done')`))
    .addColumn('outcome', 'jsonb')
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .addPrimaryKeyConstraint('journey_actions_pk', ['run_id', 'node_id'])
    .execute();
  await db.schema.createIndex('journey_actions_caps').on('journey_actions').columns(['workspace_id', 'profile_id', 'claimed_at']).execute();

  await db.schema
    .createTable('journey_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('channel_consents')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('subscription_group', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('granted', 'boolean', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('channel_consents_pk', ['workspace_id', 'profile_id', 'channel', 'subscription_group'])
    .execute();

  await db.schema
    .createTable('channel_suppressions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('all'))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('channel_suppressions_pk', ['workspace_id', 'value', 'channel'])
    .execute();

  // What the test sink channel received: durable, so processes that crash can be checked afterwards.
  await db.schema
    .createTable('test_sink_messages')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('deliveries', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['test_sink_messages', 'channel_suppressions', 'channel_consents', 'journey_settings', 'journey_actions', 'journey_entries', 'journey_runs', 'journey_versions', 'journeys']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
