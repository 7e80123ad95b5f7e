import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// The IANA zone a workspace lives in: the dashboard shows times in it, and journeys fall back to it
// (quiet hours, best hour, "wait until") for a profile without a zone of its own. It replaces the
// journey settings' `defaultTimezone`, which is copied over so nothing a workspace chose is lost.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspaces').addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC')).execute();
  await sql`update workspaces set time_zone = s.settings->>'defaultTimezone'
    from journey_settings s
    where s.workspace_id = workspaces.id and coalesce(s.settings->>'defaultTimezone', '') <> ''`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspaces').dropColumn('time_zone').execute();
}
