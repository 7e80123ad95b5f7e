import type { Kysely } from 'kysely';
import type { Database } from '../stores/postgres';

/** Whether this runtime's Intl knows the IANA zone name (so the dashboard and the engine can use it). */
export function knownTimeZone(tz: string): boolean {
  if (!tz || tz.trim() !== tz) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The workspace's IANA zone; UTC for an unknown workspace. */
export async function timeZoneOf(db: Kysely<Database>, workspaceId: string): Promise<string> {
  const row = await db.selectFrom('workspaces').select('time_zone').where('id', '=', workspaceId).executeTakeFirst();
  return row?.time_zone ?? 'UTC';
}

export async function setTimeZone(db: Kysely<Database>, workspaceId: string, timeZone: string): Promise<void> {
  if (!knownTimeZone(timeZone)) throw new Error(`timeZone: ${timeZone} is not an IANA time zone name (e.g. Europe/Paris)`);
  await db.updateTable('workspaces').set({ time_zone: timeZone }).where('id', '=', workspaceId).execute();
}
