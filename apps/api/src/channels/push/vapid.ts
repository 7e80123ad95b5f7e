import webpush from 'web-push';
import type { App } from '../../app-handle';
import { decryptSecret, encryptSecret } from '../../kernel/crypto/secrets';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/**
 * Push services want a contact in the VAPID JWT: the public URL when it is https, else a
 * placeholder mailbox (`.invalid` never resolves) until the workspace sets its own.
 */
function defaultSubject(app: App): string {
  return app.config.publicUrl.startsWith('https://') ? app.config.publicUrl : 'mailto:push@overture.invalid';
}

/** The workspace's VAPID key pair, generated on first use; the private key is stored encrypted. */
export async function vapidKeysOf(app: App, workspaceId: string): Promise<VapidKeys> {
  const db = app.postgres.db;
  let row = await db.selectFrom('push_vapid_keys').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) {
    const keys = webpush.generateVAPIDKeys();
    await db
      .insertInto('push_vapid_keys')
      .values({ workspace_id: workspaceId, public_key: keys.publicKey, private_key_enc: encryptSecret(app.config.secret, keys.privateKey), subject: defaultSubject(app) })
      .onConflict((oc) => oc.column('workspace_id').doNothing())
      .execute();
    // A concurrent first use may have won the insert: read back whichever pair is stored.
    row = await db.selectFrom('push_vapid_keys').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  }
  return { publicKey: row.public_key, privateKey: decryptSecret(app.config.secret, row.private_key_enc), subject: row.subject };
}

export async function setVapidSubject(app: App, workspaceId: string, subject: string): Promise<void> {
  if (!/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/.test(subject)) throw new Error('subject: must be a mailto: address or an https: URL');
  await vapidKeysOf(app, workspaceId);
  await app.postgres.db.updateTable('push_vapid_keys').set({ subject }).where('workspace_id', '=', workspaceId).execute();
}
