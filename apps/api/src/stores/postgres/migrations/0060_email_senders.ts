import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// Sender identities: the From (and optional Reply-To) an email goes out with. Which one a send uses:
// the template's `sender_id` if set, else the workspace's row with `is_default`, else
// `email_settings.from_address`/`from_name`, which stay as the SMTP-level fallback identity.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_senders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The target of the templates' composite key below: a template can only name a sender of its own workspace.
    .addUniqueConstraint('email_senders_workspace_id_id', ['workspace_id', 'id'])
    .execute();
  await db.schema.createIndex('email_senders_address').unique().on('email_senders').columns(['workspace_id', 'address']).execute();
  // At most one default per workspace, whatever the races between two "make default" clicks.
  await db.schema.createIndex('email_senders_one_default').unique().on('email_senders').column('workspace_id').where(sql.ref('is_default'), '=', true).execute();

  // Null: the workspace's default sender. NO ACTION (checked at the end of the statement), not
  // RESTRICT: deleting a workspace cascades to both tables in one statement and must not trip on it.
  await db.schema.alterTable('message_templates').addColumn('sender_id', 'text').execute();
  await db.schema
    .alterTable('message_templates')
    .addForeignKeyConstraint('message_templates_sender', ['workspace_id', 'sender_id'], 'email_senders', ['workspace_id', 'id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('message_templates').dropConstraint('message_templates_sender').execute();
  await db.schema.alterTable('message_templates').dropColumn('sender_id').execute();
  await db.schema.dropTable('email_senders').execute();
}
