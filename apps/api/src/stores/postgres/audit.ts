import { sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import type { AuditLogTable, Database } from './types';

export type AuditEntry = Insertable<AuditLogTable>;

/**
 * The one writer of `audit_log`: every automated action (a journey's step, a one-click service
 * action, a GDPR erase) records who, what, when and under which rule. Pass a transaction to
 * write the rows with the change they describe, or the change itself (a data-modifying statement):
 * it runs in the same statement as the insert (a CTE), so both commit together in one round trip.
 */
export async function appendAudit(db: Kysely<Database>, entries: AuditEntry | AuditEntry[], change?: RawBuilder<unknown>): Promise<void> {
  const rows = Array.isArray(entries) ? entries : [entries];
  if (rows.length === 0) {
    if (change) await change.execute(db);
    return;
  }
  // PostgreSQL runs a data-modifying CTE to completion whether or not the statement reads it.
  const insert = db.insertInto('audit_log').values(rows);
  await (change ? sql`with change as (${change}) ${insert}`.execute(db) : insert.execute());
}
