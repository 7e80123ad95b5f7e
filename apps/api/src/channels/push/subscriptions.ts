import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { App } from '../../app-handle';
import type { Database } from '../../stores/postgres';

const b64urlBytes = (n: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+=*$/, `${what} must be base64url`)
    .refine((s) => Buffer.from(s, 'base64url').length === n, `${what} must be ${n} bytes`);

export const pushSubscriptionInput = z.object({
  endpoint: z.url().max(2_000),
  keys: z.object({
    p256dh: b64urlBytes(65, 'an uncompressed P-256 public key'),
    auth: b64urlBytes(16, 'the auth secret'),
  }),
});
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionInput>;

/**
 * Why a push endpoint is refused, or null. Push services are public https hosts; a write key is
 * public, so an endpoint aimed at this machine, a private network or a metadata service is refused
 * here (addresses and reserved names, no DNS for a public request) and again, resolved, at send time.
 * Plain http is accepted only for a host the operator allow-listed (a local push service in tests).
 */
export function endpointRefusal(app: App, endpoint: string): string | null {
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && app.outbound.isAllowListed(url.hostname))) return 'must be an https push service URL';
  const refusal = app.outbound.hostRefusal(url.hostname);
  return refusal ? `must be a public push service (${refusal})` : null;
}

export const subscriptionId = (workspaceId: string, endpoint: string) => createHash('sha256').update(`${workspaceId}\n${endpoint}`).digest('hex').slice(0, 32);

// One row per (workspace, endpoint): a repeated subscribe updates the keys and the profile.
async function upsertSubscription(db: Kysely<Database>, workspaceId: string, profileId: string, sub: PushSubscriptionInput, userAgent: string): Promise<string> {
  const id = subscriptionId(workspaceId, sub.endpoint);
  const values = { profile_id: profileId, p256dh: sub.keys.p256dh, auth: sub.keys.auth, user_agent: userAgent.slice(0, 500) };
  await db
    .insertInto('push_subscriptions')
    .values({ id, workspace_id: workspaceId, endpoint: sub.endpoint, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
  return id;
}

export function saveSubscription(app: App, workspaceId: string, profileId: string, sub: PushSubscriptionInput, userAgent = ''): Promise<string> {
  return upsertSubscription(app.postgres.db, workspaceId, profileId, sub, userAgent);
}

/** The push service renewed a subscription: the new one takes the old one's profile. False if the old one is unknown. */
export async function replaceSubscription(app: App, workspaceId: string, oldEndpoint: string, sub: PushSubscriptionInput, userAgent = ''): Promise<{ id: string; profileId: string } | null> {
  return app.postgres.db.transaction().execute(async (tx) => {
    const old = await tx.deleteFrom('push_subscriptions').where('id', '=', subscriptionId(workspaceId, oldEndpoint)).returning(['profile_id']).executeTakeFirst();
    if (!old) return null;
    return { id: await upsertSubscription(tx, workspaceId, old.profile_id, sub, userAgent), profileId: old.profile_id };
  });
}

export async function removeSubscription(app: App, workspaceId: string, endpoint: string): Promise<boolean> {
  // The deleted row itself (RETURNING): the way the store conformance suite counts rows on both engines.
  const gone = await app.postgres.db.deleteFrom('push_subscriptions').where('id', '=', subscriptionId(workspaceId, endpoint)).returning('id').executeTakeFirst();
  return gone !== undefined;
}

export async function subscriptionsOf(app: App, workspaceId: string, profileId: string) {
  return app.postgres.db.selectFrom('push_subscriptions').select(['id', 'endpoint', 'p256dh', 'auth']).where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
}
