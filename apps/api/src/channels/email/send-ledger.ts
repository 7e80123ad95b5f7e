import { sql } from 'kysely';
import { Batcher } from '@overture/journeys';
import type { App } from '../../app';

/**
 * What became of earlier attempts of one Message-ID, read and updated in the same statement that
 * records this attempt as `sending` (before the SMTP transaction, so a crash during it leaves a trace).
 * - `first`: no earlier attempt, send.
 * - `sent`: an earlier attempt got the relay's 250; do not send again.
 * - `in_doubt`: an earlier attempt started and never finished (its process died, or it is still
 *   running elsewhere): ask the delivery log whether the relay accepted it.
 */
export type SendAttempt = { state: 'first' } | { state: 'sent' } | { state: 'in_doubt'; attempt: number };

/**
 * The delivery log of our transport, as the relay reported it: whether it accepted a Message-ID.
 * Relays tell through their delivery notifications (posted to `POST /v1/email/feedback` as
 * `delivered`), which land in `email_sends.relay_accepted_at`; null when nothing was reported.
 */
export interface DeliveryLog {
  wasAccepted(workspaceId: string, messageId: string): Promise<boolean | null>;
}

type Begin = { messageId: string; workspaceId: string; profileId: string; now: number };

async function beginMany(app: App, items: Begin[]): Promise<SendAttempt[]> {
  // One row per Message-ID per statement (ON CONFLICT DO UPDATE may touch a row once); a second
  // attempt of the same id in the same batch is concurrent with the first, hence in doubt.
  const unique = [...new Map(items.map((i) => [i.messageId, i])).values()];
  const values = unique.map((i) => sql`(${i.messageId}::text, ${i.workspaceId}::text, ${i.profileId}::text, ${i.now}::bigint)`);
  const { rows } = await sql<{ message_id: string; state: string; attempts: number }>`
    insert into email_sends as s (message_id, workspace_id, profile_id, started_at, state)
    select v.message_id, v.workspace_id, v.profile_id, v.started_at, 'sending' from (values ${sql.join(values)}) as v(message_id, workspace_id, profile_id, started_at)
    on conflict (message_id) do update set attempts = s.attempts + case when s.state = 'sent' then 0 else 1 end
    returning s.message_id, s.state, s.attempts`.execute(app.postgres.db);
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

async function markSentMany(app: App, items: Array<{ messageId: string; now: number }>): Promise<void[]> {
  const values = items.map((i) => sql`(${i.messageId}::text, ${i.now}::bigint)`);
  await sql`update email_sends as s set state = 'sent', sent_at = coalesce(s.sent_at, v.sent_at)
    from (values ${sql.join(values)}) as v(message_id, sent_at) where s.message_id = v.message_id`.execute(app.postgres.db);
  return items.map(() => undefined);
}

interface Ledger {
  begins: Batcher<Begin, SendAttempt>;
  sent: Batcher<{ messageId: string; now: number }, void>;
}
const ledgers = new WeakMap<App, Ledger>();

function ledgerOf(app: App): Ledger {
  let l = ledgers.get(app);
  if (!l) {
    // Concurrent sends share one round trip each way: two writes per email must not halve the send rate.
    l = { begins: new Batcher((items) => beginMany(app, items)), sent: new Batcher((items) => markSentMany(app, items)) };
    ledgers.set(app, l);
  }
  return l;
}

/** Records this attempt of `messageId` as `sending` and says what earlier attempts left. */
export function beginSend(app: App, workspaceId: string, profileId: string, messageId: string): Promise<SendAttempt> {
  return ledgerOf(app).begins.call({ messageId, workspaceId, profileId, now: Date.now() });
}

/** The relay answered 250 (or reported accepting it): the Message-ID is sent for good. */
export function markSent(app: App, messageId: string): Promise<void> {
  return ledgerOf(app).sent.call({ messageId, now: Date.now() });
}

/** A relay's delivery notification for one of our Message-IDs; null when this workspace never sent that id. */
export async function recordRelayAcceptance(app: App, workspaceId: string, messageId: string): Promise<{ profileId: string } | null> {
  const row = await app.postgres.db
    .updateTable('email_sends')
    .set({ relay_accepted_at: sql<number>`coalesce(relay_accepted_at, ${Date.now()}::bigint)` })
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', messageId)
    .returning('profile_id')
    .executeTakeFirst();
  return row ? { profileId: row.profile_id } : null;
}

/** The delivery log kept from the relay's notifications (the SMTP transport's implementation of the port). */
export function relayDeliveryLog(app: App): DeliveryLog {
  return {
    async wasAccepted(workspaceId, messageId) {
      const row = await app.postgres.db
        .selectFrom('email_sends')
        .select(['state', 'relay_accepted_at'])
        .where('workspace_id', '=', workspaceId)
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      // No notification is no proof of loss (relays report late or not at all): unknown, not false.
      if (!row) return null;
      return row.state === 'sent' || row.relay_accepted_at !== null ? true : null;
    },
  };
}
