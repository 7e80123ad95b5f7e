import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { App } from '../../app-handle';
import { bearerOrBasicKey } from '../../workspaces/request-auth';
import { readJson } from '../../kernel/http/body';
import { HttpError } from '../../kernel/http/errors';
import { sendJson } from '../../kernel/http/respond';
import { resolveProfileId } from '../../profiles';
import { verifyClaims } from '../../templates';
import { outcomeOfClaims, recordOutcomes } from '../outcomes';
import { endpointRefusal, pushSubscriptionInput, removeSubscription, replaceSubscription, saveSubscription } from './subscriptions';
import { vapidKeysOf } from './vapid';

/** Browsers send the public write key as a header or, like Segment's `writeKey`, in the body or query. */
async function workspaceOfWriteKey(app: App, req: IncomingMessage, fromBody?: unknown): Promise<string> {
  const key = bearerOrBasicKey(req) ?? (typeof fromBody === 'string' ? fromBody : undefined);
  if (!key) throw new HttpError(401, 'writeKey: missing; send it as "Authorization: Basic base64(key:)" or as writeKey');
  const resolved = await app.keys.resolve(key);
  if (!resolved) throw new HttpError(401, 'writeKey: unknown or revoked key');
  return resolved.workspaceId;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

const subscribeBody = z
  .object({
    writeKey: z.string().optional(),
    subscription: pushSubscriptionInput,
    userId: z.string().max(200).optional(),
    anonymousId: z.string().max(200).optional(),
  })
  .refine((b) => !!(b.userId || b.anonymousId), { message: 'userId or anonymousId is required', path: ['userId'] });

/** POST /v1/push/subscribe — stores the browser's PushSubscription for the visitor's profile. */
export async function handleSubscribe(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = (await readJson(req, 16 * 1024)) as { writeKey?: unknown };
  const workspaceId = await workspaceOfWriteKey(app, req, raw?.writeKey);
  const body = parse(subscribeBody, raw);
  const refusal = endpointRefusal(app, body.subscription.endpoint);
  if (refusal) throw new HttpError(400, `subscription.endpoint: ${refusal}`);
  const profileId = await resolveProfileId(app, workspaceId, { ...(body.userId ? { userId: body.userId } : {}), ...(body.anonymousId ? { anonymousId: body.anonymousId } : {}) });
  const id = await saveSubscription(app, workspaceId, profileId, body.subscription, String(req.headers['user-agent'] ?? ''));
  sendJson(res, 200, { success: true, id, profileId });
}

const resubscribeBody = z.object({ writeKey: z.string().optional(), oldEndpoint: z.url().max(2_000), subscription: pushSubscriptionInput });

/** POST /v1/push/resubscribe — the service worker reports a subscription the push service renewed. */
export async function handlePushResubscribe(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = (await readJson(req, 16 * 1024)) as { writeKey?: unknown };
  const workspaceId = await workspaceOfWriteKey(app, req, raw?.writeKey);
  const body = parse(resubscribeBody, raw);
  const refusal = endpointRefusal(app, body.subscription.endpoint);
  if (refusal) throw new HttpError(400, `subscription.endpoint: ${refusal}`);
  const moved = await replaceSubscription(app, workspaceId, body.oldEndpoint, body.subscription, String(req.headers['user-agent'] ?? ''));
  if (!moved) throw new HttpError(404, 'oldEndpoint: no subscription with this endpoint in the workspace');
  sendJson(res, 200, { success: true, ...moved });
}

const unsubscribeBody = z.object({ writeKey: z.string().optional(), endpoint: z.url() });

/** POST /v1/push/unsubscribe — the browser gave the subscription up. */
export async function handlePushUnsubscribe(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = (await readJson(req, 16 * 1024)) as { writeKey?: unknown };
  const workspaceId = await workspaceOfWriteKey(app, req, raw?.writeKey);
  const body = parse(unsubscribeBody, raw);
  sendJson(res, 200, { success: true, removed: await removeSubscription(app, workspaceId, body.endpoint) });
}

/** GET /v1/push/vapid-key — the application server key `pushManager.subscribe` needs. */
export async function handleVapidKey(app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const workspaceId = await workspaceOfWriteKey(app, req, url.searchParams.get('writeKey') ?? undefined);
  sendJson(res, 200, { publicKey: (await vapidKeysOf(app, workspaceId)).publicKey });
}

/** POST /v1/push/click — a notification click the service worker reports before opening the destination. */
export async function handlePushClick(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = parse(z.object({ track: z.string().min(1).max(4_000) }), await readJson(req, 8 * 1024));
  const checked = verifyClaims(app.config.secret, 'click', body.track);
  if (checked.ok && checked.claims.c !== 'web_push') throw new HttpError(400, 'track: not a web push token');
  if (!checked.ok) throw new HttpError(checked.reason === 'expired' ? 410 : 400, checked.reason === 'expired' ? 'track: this token has expired' : 'track: this token is invalid or was altered');
  await recordOutcomes(app, [outcomeOfClaims(checked.claims, 'click')]);
  sendJson(res, 200, { success: true });
}
