import { sql, type Kysely } from 'kysely';
import { Batcher } from '@overture/journeys';
import type { Database } from '../../stores/postgres';

/**
 * What became of earlier attempts of one Message-ID, read and updated in the same statement that
 * records this attempt as `sending` (before the SMTP transaction, so a crash during it leaves a trace).
 * - `first`: no earlier attempt, send.
 * - `sent`: an earlier attempt got the relay's 250; do not send again.
 * - `in_doubt`: an earlier attempt started and never finished (its process died, or it is still
 *   running elsewhere): ask the delivery log whether the relay accepted it.
 */
export type SendAttempt = { state: 'first' } | { state: 'sent' } | { state: 'in_doubt'; attempt: number };

export type Begin = { messageId: string; workspaceId: string; profileId: string; now: number };

async function beginMany(db: Kysely<Database>, items: Begin[]): Promise<SendAttempt[]> {
  // One row per Message-ID per statement (ON CONFLICT DO UPDATE may touch a row once); a second
  // attempt of the same id in the same batch is concurrent with the first, hence in doubt.
  const unique = [...new Map(items.map((i) => [i.messageId, i])).values()];
  const values = unique.map((i) => sql`(${i.messageId}::text, ${i.workspaceId}::text, ${i.profileId}::text, ${i.now}::bigint)`);
  const { rows } = await sql<{ message_id: string; state: string; attempts: number }>`
    insert into email_sends as s (message_id, workspace_id, profile_id, started_at, state)
    select v.message_id, v.workspace_id, v.profile_id, v.started_at, 'sending' from (values ${sql.join(values)}) as v(message_id, workspace_id, profile_id, started_at)
    on conflict (message_id) do update set attempts = s.attempts + case when s.state = 'sent' then 0 else 1 end
    returning s.message_id, s.state, s.attempts`.execute(db);
  const byId = new Map(rows.map((r) => [r.message_id, r]));
  const seen = new Set<string>();
  return items.map((i) => {
    const r = byId.get(i.messageId);
    const repeat = seen.has(i.messageId);
    seen.add(i.messageId);
    if (!r) return { state: 'in_doubt', attempt: 0 };
    if (r.state === 'sent') return { state: 'sent' };
    if (r.attempts === 1 && !repeat) return { state: 'first' };
    return { state: 'in_doubt', attempt: Number(r.attempts) };
  });
}

async function markSentMany(db: Kysely<Database>, items: Array<{ messageId: string; now: number }>): Promise<void[]> {
  const values = items.map((i) => sql`(${i.messageId}::text, ${i.now}::bigint)`);
  await sql`update email_sends as s set state = 'sent', sent_at = coalesce(s.sent_at, v.sent_at)
    from (values ${sql.join(values)}) as v(message_id, sent_at) where s.message_id = v.message_id`.execute(db);
  return items.map(() => undefined);
}

/**
 * The email sends' ledger (`app.services.sendLedger`): concurrent sends share one round trip each
 * way, so two writes per email do not halve the send rate.
 */
export interface SendLedger {
  begins: Batcher<Begin, SendAttempt>;
  sent: Batcher<{ messageId: string; now: number }, void>;
}

export function createSendLedger(db: Kysely<Database>): SendLedger {
  return { begins: new Batcher((items) => beginMany(db, items)), sent: new Batcher((items) => markSentMany(db, items)) };
}
