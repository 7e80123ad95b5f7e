import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
// Onsite personalisation: placements (rules + liquid content), journey messages queued for a
// profile's next visit, and the impressions that frequency caps count.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('onsite_placements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('top_bar', 'modal', 'slide_in', 'inline', 'cta')`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    // Liquid HTML (overlays, inline slots) or the new CTA text (cta).
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    // Slot name (inline) or CSS selector (cta); '' otherwise.
    .addColumn('target', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('href', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rules', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('onsite_placements_name').unique().on('onsite_placements').columns(['workspace_id', 'name']).execute();

  await db.schema
    .createTable('onsite_queue')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('journey_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('node_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('slide_in'))
    // Rendered and sanitised when queued, with the profile the journey had at that moment.
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('shown_at', 'timestamptz')
    .addColumn('expired_at', 'timestamptz')
    .addPrimaryKeyConstraint('onsite_queue_pk', ['workspace_id', 'message_id'])
    .execute();
  await db.schema.createIndex('onsite_queue_profile').on('onsite_queue').columns(['workspace_id', 'profile_id']).where(sql.ref('shown_at'), 'is', null).execute();

  await db.schema
    .createTable('onsite_impressions')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('placement_id', 'text', (c) => c.notNull())
    .addColumn('shown_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('onsite_impressions_pk', ['workspace_id', 'message_id'])
    .execute();
  await db.schema.createIndex('onsite_impressions_profile').on('onsite_impressions').columns(['workspace_id', 'profile_id', 'placement_id', 'shown_at']).execute();

  await db.schema
    .createTable('onsite_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('queue_ttl_days', 'integer', (c) => c.notNull().defaultTo(7))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['onsite_settings', 'onsite_impressions', 'onsite_queue', 'onsite_placements']) await db.schema.dropTable(t).ifExists().execute();
}
