import { createHash } from 'node:crypto';
import { signToken, verifyToken, type TokenCheck } from '../kernel/crypto/signed-tokens';
import { keyKindProperty, secretKeyMark } from '../ingest/key-kind';

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
  /** which key sent the triggering event: only `secret_key` (the shop's server) can back an action */
  s: string;
}

/**
 * Only an event the shop's server sent with the secret key says which order belongs to whom: the
 * public write key is in every page of the shop, so anyone can claim anyone's order with it.
 */
export const serverAuth = secretKeyMark;

export function signAction(appSecret: string, claims: ActionClaims, now = claims.i * 1000): string {
  return signToken(appSecret, 'action', claims, now);
}

const isActionClaims = (c: Record<string, unknown>): c is Record<string, unknown> & ActionClaims =>
  ['w', 'p', 'm', 'c', 't', 'a', 'o', 's'].every((k) => typeof c[k] === 'string') && typeof c.i === 'number';

/** The claims of an intact, unexpired action token, else why not. */
export function verifyAction(appSecret: string, token: string, now = Date.now()): TokenCheck<ActionClaims> {
  const checked = verifyToken(appSecret, 'action', token, now);
  if (!checked.ok) return checked;
  return isActionClaims(checked.claims) ? { ok: true, claims: checked.claims } : { ok: false, reason: 'invalid' };
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
 * message and the triggering event's `order_id`, issued only when the shop's server sent that event
 * with the secret key. For an event sent with the write key (a browser can claim any order id) the
 * message goes out without them: `actions` is empty, so `{% if actions.refund %}` hides a button.
 * Without tracking (a preview, a test send) they are placeholders.
 */
export function actionLinks(links: MessageLinks | null, context: { event?: unknown }, now = Date.now()): Record<string, string> {
  const props = (context.event as { properties?: Record<string, unknown> } | null | undefined)?.properties ?? {};
  const out: Record<string, string> = {};
  if (!links) {
    for (const a of serviceActions) out[a] = `#action-${a}`;
    return out;
  }
  if (props[keyKindProperty] !== serverAuth) return out;
  const order = props.order_id ?? props.orderId ?? '';
  const { w, p, m, c, t, j, n } = links.claims;
  for (const a of serviceActions) {
    const claims: ActionClaims = { w, p, m, c, t, ...(j ? { j } : {}), ...(n ? { n } : {}), a, o: String(order), i: Math.floor(now / 1000), s: serverAuth };
    out[a] = actionUrl(links.publicUrl, signAction(links.appSecret, claims, now));
  }
  return out;
}
