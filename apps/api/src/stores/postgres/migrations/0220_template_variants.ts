import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// A message template's variants: 2–5 versions of it (subject, body and sender name overrides, an
// optional send-time offset) sent to stable shares of profiles as the template's experiment. An
// empty override means the template's own. `position` keeps the order the marketer gave (the first
// is the control). `variant_winner` on the template: the variant everyone gets once the experiment
// is decided (null while it runs). `variant` on a queued onsite message: the variant it was rendered
// as, so its impression, click and dismissal carry it as an email's open and click do.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('template_variants')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull().references('message_templates.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('weight', 'double precision', (c) => c.notNull().defaultTo(1))
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sender_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('send_offset_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('template_variants_pk', ['template_id', 'key'])
    .execute();
  await db.schema.createIndex('template_variants_workspace').on('template_variants').columns(['workspace_id', 'template_id']).execute();
  await db.schema.alterTable('message_templates').addColumn('variant_winner', 'text').execute();
  await db.schema.alterTable('onsite_queue').addColumn('variant', 'text', (c) => c.notNull().defaultTo('')).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('onsite_queue').dropColumn('variant').execute();
  await db.schema.alterTable('message_templates').dropColumn('variant_winner').execute();
  await db.schema.dropTable('template_variants').execute();
}
