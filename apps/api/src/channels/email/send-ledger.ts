import { sql } from 'kysely';
import type { App } from '../../app-handle';
import type { SendAttempt } from './ledger-batches';

export type { SendAttempt } from './ledger-batches';

/**
 * The delivery log of our transport, as the relay reported it: whether it accepted a Message-ID.
 * Relays tell through their delivery notifications (posted to `POST /v1/email/feedback` as
 * `delivered`), which land in `email_sends.relay_accepted_at`; null when nothing was reported.
 */
export interface DeliveryLog {
  wasAccepted(workspaceId: string, messageId: string): Promise<boolean | null>;
}

/** Records this attempt of `messageId` as `sending` and says what earlier attempts left. */
export function beginSend(app: App, workspaceId: string, profileId: string, messageId: string): Promise<SendAttempt> {
  return app.services.sendLedger.begins.call({ messageId, workspaceId, profileId, now: Date.now() });
}

/** The relay answered 250 (or reported accepting it): the Message-ID is sent for good. */
export function markSent(app: App, messageId: string): Promise<void> {
  return app.services.sendLedger.sent.call({ messageId, now: Date.now() });
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
