import type { Insertable, Kysely } from 'kysely';
import type { AuditLogTable, Database } from './types';

export type AuditEntry = Insertable<AuditLogTable>;

/**
 * The one writer of `audit_log`: every automated action (a journey's step, a one-click service
 * action, a GDPR erase) records who, what, when and under which rule. Pass a transaction to
 * write the rows with the change they describe.
 */
export async function appendAudit(db: Kysely<Database>, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const rows = Array.isArray(entries) ? entries : [entries];
  if (rows.length === 0) return;
  await db.insertInto('audit_log').values(rows).execute();
}
