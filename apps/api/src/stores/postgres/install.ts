import type { Kysely } from 'kysely';
import type { Database } from './types';

/** This install's id, created once by migration and shared by every process on the same database. */
export async function readInstallId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('install').select('id').executeTakeFirst();
  if (!row) throw new Error('The install table has no row: run the migrations ("pnpm overture migrate").');
  return row.id;
}
