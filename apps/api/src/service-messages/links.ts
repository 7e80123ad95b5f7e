import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../channels/secrets';

/** Choices a message can offer as one-click links; the workspace policy decides which are honoured. */
export const serviceActions = ['reship', 'refund', 'cancel'] as const;

/** What a signed action link stands for (short keys keep URLs short). */
export interface ActionClaims {
  /** workspace, profile, message, channel, template */
  w: string;
  p: string;
  m: string;
  c: string;
  t: string;
  /** journey and node, when a journey sent it */
  j?: string;
  n?: string;
  /** the action and the order it is about */
  a: string;
  o: string;
  /** issued at (unix seconds): the policy's link lifetime counts from here */
  i: number;
}

const sign = (appSecret: string, payload: string) => createHmac('sha256', deriveKey(appSecret, 'service-actions')).update(payload).digest().subarray(0, 18).toString('base64url');

export function signAction(appSecret: string, claims: ActionClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(appSecret, payload)}`;
}

/** The claims of an untampered token, else null. */
export function verifyAction(appSecret: string, token: string): ActionClaims | null {
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  const expected = Buffer.from(sign(appSecret, payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ActionClaims;
    return typeof c.w === 'string' && typeof c.p === 'string' && typeof c.a === 'string' && typeof c.i === 'number' ? c : null;
  } catch {
    return null;
  }
}

/** One link, one execution: the id the receiver gets as `Idempotency-Key`. */
export const linkIdOf = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 32);

export const actionUrl = (publicUrl: string, token: string) => `${publicUrl}/t/a/${token}`;

interface MessageLinks {
  appSecret: string;
  publicUrl: string;
  claims: { w: string; p: string; m: string; c: string; t: string; j?: string; n?: string };
}

/**
 * `{{ actions.reship }}`, `{{ actions.refund }}`... in a message: signed links for this recipient,
 * message and the triggering event's `order_id`. Without tracking (a preview) they are placeholders.
 */
export function actionLinks(links: MessageLinks | null, context: { event?: unknown }, now = Date.now()): Record<string, string> {
  const props = (context.event as { properties?: Record<string, unknown> } | null | undefined)?.properties ?? {};
  const order = props.order_id ?? props.orderId ?? '';
  const out: Record<string, string> = {};
  for (const a of serviceActions) {
    if (!links) {
      out[a] = `#action-${a}`;
      continue;
    }
    const { w, p, m, c, t, j, n } = links.claims;
    const claims: ActionClaims = { w, p, m, c, t, ...(j ? { j } : {}), ...(n ? { n } : {}), a, o: String(order), i: Math.floor(now / 1000) };
    out[a] = actionUrl(links.publicUrl, signAction(links.appSecret, claims));
  }
  return out;
}
