import type { Kysely } from 'kysely';
import type { Database } from '../stores/postgres';

const day = 86_400_000;

/** Data whose last order is older than this is historical: its features are computed as of the data. */
export const historicalAfterDays = 30;

/** The workspace's stored as-of instant, or null when its features are computed as of now. */
export async function storedAsOf(db: Kysely<Database>, workspaceId: string): Promise<Date | null> {
  const row = await db.selectFrom('workspaces').select('as_of').where('id', '=', workspaceId).executeTakeFirst();
  return row?.as_of ? new Date(row.as_of) : null;
}

/** The instant time-relative features of a workspace are computed as of: its stored as-of, else now. */
export async function asOfFor(db: Kysely<Database>, workspaceId: string, now = new Date()): Promise<Date> {
  return (await storedAsOf(db, workspaceId)) ?? now;
}

export async function setAsOf(db: Kysely<Database>, workspaceId: string, asOf: Date | null): Promise<void> {
  await db.updateTable('workspaces').set({ as_of: asOf }).where('id', '=', workspaceId).execute();
}

/**
 * The as-of an import of orders implies: the UTC day after the last order when that order is more than
 * `historicalAfterDays` before now (historical data), else null (live: now).
 */
export function asOfAfterImport(lastOrderAt: Date | null, now = new Date()): Date | null {
  if (!lastOrderAt || now.getTime() - lastOrderAt.getTime() <= historicalAfterDays * day) return null;
  return new Date(Math.floor(lastOrderAt.getTime() / day) * day + day);
}
