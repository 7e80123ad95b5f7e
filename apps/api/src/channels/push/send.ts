import { randomUUID } from 'node:crypto';
import webpush from 'web-push';
import type { App } from '../../app-handle';
import { composePush, withVariant, getTemplateForSend, loadRecipient, recipientFromView, signClaims, templateContext, type TrackingClaims } from '../../templates';
import { clickUrl } from '../../templates/links';
import { blockedReason } from '../consent';
import { recordOutcomes, type MessageOutcome } from '../outcomes';
import { messageIdFor, type MessageRequest } from '../email/send';
import { sendVariant } from '../variants';
import { subscriptionsOf } from './subscriptions';
import { vapidKeysOf } from './vapid';

export type Urgency = 'very-low' | 'low' | 'normal' | 'high';

export interface PushRequest extends MessageRequest {
  /** Seconds the push service keeps the message for an offline device. */
  ttl?: number;
  urgency?: Urgency;
  /** A newer message with the same topic replaces an undelivered older one. */
  topic?: string;
}

/** What the service worker receives (decrypted). */
export interface PushPayload {
  title: string;
  body: string;
  /** Tracked redirect to the destination; the service worker opens it on click. */
  url: string;
  /** For `POST /v1/push/click` when the worker opens the destination itself. */
  track: string;
  messageId: string;
}

export type PushResult =
  | { status: 'sent'; messageId: string; delivered: number; removed: number }
  | { status: 'skipped' | 'failed'; messageId: string; reason: string; removed: number };

const defaultTtl = 24 * 3600;

export async function sendPush(app: App, req: PushRequest): Promise<PushResult> {
  const messageId = messageIdFor(req.idempotencyKey ?? randomUUID());
  const template = await getTemplateForSend(app, req.workspaceId, req.template);
  const chosen = sendVariant(app, template, req, 'web_push', messageId);
  const base = { workspaceId: req.workspaceId, messageId, profileId: req.profileId, channel: 'web_push', ...(req.journeyId ? { journeyId: req.journeyId } : {}), ...(req.nodeId ? { nodeId: req.nodeId } : {}), ...chosen.outcome };
  const record = (outcomes: Array<Omit<MessageOutcome, keyof typeof base>>) => recordOutcomes(app, outcomes.map((o) => ({ ...base, ...(template ? { templateId: template.id } : {}), ...o })));
  const skip = async (reason: string): Promise<PushResult> => {
    await record([{ kind: 'skipped', reason }]);
    return { status: 'skipped', messageId, reason, removed: 0 };
  };

  if (!template || template.channel !== 'web_push') return skip('no_template');
  const profile = req.profile ? recipientFromView(req.profile) : await loadRecipient(app, req.workspaceId, req.profileId);
  if (!profile) return skip('no_profile');
  const blocked = await blockedReason(app, req.workspaceId, { profileId: profile.id, address: null }, 'web_push', template.subscriptionGroup);
  if (blocked) return skip(blocked);
  const subs = await subscriptionsOf(app, req.workspaceId, profile.id);
  if (subs.length === 0) return skip('no_push_subscription');

  const claims: TrackingClaims = { w: req.workspaceId, m: messageId, p: profile.id, c: 'web_push', t: template.id, ...(template.subscriptionGroup ? { g: template.subscriptionGroup } : {}), ...(req.journeyId ? { j: req.journeyId } : {}), ...(req.nodeId ? { n: req.nodeId } : {}), ...chosen.claims };
  const rendered = await composePush(withVariant(template, chosen.variant), await templateContext(app, req.workspaceId, profile, req.event));
  const links = { appSecret: app.config.secret, publicUrl: app.config.publicUrl, claims };
  const payload: PushPayload = {
    title: rendered.title,
    body: rendered.body,
    url: /^https?:\/\//i.test(rendered.url) ? clickUrl(links, rendered.url) : '',
    track: signClaims(app.config.secret, 'click', claims),
    messageId,
  };
  const vapid = await vapidKeysOf(app, req.workspaceId);
  let delivered = 0;
  let removed = 0;
  const errors: string[] = [];
  for (const s of subs) {
    const details = webpush.generateRequestDetails({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, JSON.stringify(payload), {
      vapidDetails: vapid,
      TTL: req.ttl ?? defaultTtl,
      urgency: req.urgency ?? 'normal',
      ...(req.topic ? { topic: req.topic } : {}),
    });
    // web-push's own transport cannot be pointed at a checked address; the guard carries the same signed, encrypted request.
    const res = await app.outbound
      .request(details.endpoint, {
        method: details.method,
        headers: Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)])),
        body: details.body ? new Uint8Array(details.body) : null,
        timeoutMs: 15_000,
        maxResponseBytes: 64 * 1024,
      })
      .catch((err: Error) => err);
    if (res instanceof Error) {
      errors.push(res.message);
      continue;
    }
    if (res.status === 404 || res.status === 410) {
      // The browser unsubscribed or the subscription expired: it will never work again.
      await app.postgres.db.deleteFrom('push_subscriptions').where('id', '=', s.id).execute();
      removed++;
    } else if (res.status >= 200 && res.status < 300) delivered++;
    else errors.push(`push service answered ${res.status}`);
  }
  if (delivered > 0) {
    chosen.exposed();
    await record([{ kind: 'sent', detail: { subscriptions: subs.length, delivered, removed } }]);
    return { status: 'sent', messageId, delivered, removed };
  }
  const reason = removed === subs.length ? 'subscription_gone' : errors.join('; ').slice(0, 500) || 'not_delivered';
  await record([{ kind: 'failed', reason }]);
  return { status: 'failed', messageId, reason, removed };
}
