import type { App } from '../app-handle';

/**
 * Consent and suppression live in the journey engine's tables (`channel_consents`,
 * `channel_suppressions`), so the engine's guardrails and the senders here agree on who may be
 * messaged. Group '' stands for the channel as a whole.
 */
export async function setConsent(app: App, workspaceId: string, profileId: string, channel: string, group: string, granted: boolean): Promise<void> {
  await app.postgres.db
    .insertInto('channel_consents')
    .values({ workspace_id: workspaceId, profile_id: profileId, channel, subscription_group: group, granted })
    .onConflict((oc) => oc.columns(['workspace_id', 'profile_id', 'channel', 'subscription_group']).doUpdateSet({ granted, updated_at: new Date() }))
    .execute();
}

export async function consentsOf(app: App, workspaceId: string, profileId: string, channel: string): Promise<Map<string, boolean>> {
  const rows = await app.postgres.db
    .selectFrom('channel_consents')
    .select(['subscription_group', 'granted'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .where('channel', '=', channel)
    .execute();
  return new Map(rows.map((r) => [r.subscription_group, r.granted]));
}

/** Addresses (lower-cased emails) or profile ids that must never receive on a channel again. */
export async function suppress(app: App, workspaceId: string, value: string, channel: string, reason: string): Promise<void> {
  await app.postgres.db
    .insertInto('channel_suppressions')
    .values({ workspace_id: workspaceId, value: value.toLowerCase(), channel, reason })
    .onConflict((oc) => oc.columns(['workspace_id', 'value', 'channel']).doUpdateSet({ reason }))
    .execute();
}

/** Why a send must be skipped, or null: `suppressed` (bounce, complaint) wins over `unsubscribed`. */
export function blockedReason(
  app: App,
  workspaceId: string,
  recipient: { profileId: string; address: string | null },
  channel: string,
  group: string,
): Promise<'suppressed' | 'unsubscribed' | null> {
  return app.services.consentChecks.call({ workspaceId, profileId: recipient.profileId, address: recipient.address ? recipient.address.toLowerCase() : null, channel, group });
}
