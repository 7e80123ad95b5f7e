import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from './secrets';

/**
 * What a signed link may be used for. Each purpose has its own MAC key, so the open pixel's token
 * (fetched by image proxies, kept in their logs) can never unsubscribe anyone or act on an order.
 */
export type TokenPurpose = 'open' | 'click' | 'unsubscribe' | 'action';

const day = 86_400;

/**
 * How long a link works after it was issued. Opens and clicks are worth counting for half a year;
 * mailbox providers keep offering List-Unsubscribe on old mail, so that link lives two years; an
 * action link lives at most as long as the longest policy allows (`linkTtlHours`, 90 days).
 */
export const tokenLifetimeSeconds: Record<TokenPurpose, number> = {
  open: 180 * day,
  click: 180 * day,
  unsubscribe: 730 * day,
  action: 90 * day,
};

/** Longer tokens are refused before any decoding (a click token carries its destination URL). */
export const maxTokenLength = 4_096;
const macBytes = 18;
// Exactly two segments of the base64url alphabet, the second exactly one MAC long.
const tokenShape = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{24})$/;

const macOf = (appSecret: string, purpose: string, payload: string) => createHmac('sha256', deriveKey(appSecret, `signed-token:${purpose}`)).update(payload).digest().subarray(0, macBytes);

export type TokenCheck<T> = { ok: true; claims: T } | { ok: false; reason: 'invalid' | 'expired' };

/** `e` (unix seconds) is the expiry every token carries; the caller's claims must not use it. */
export function signToken(appSecret: string, purpose: TokenPurpose, claims: object, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ ...claims, e: Math.floor(now / 1000) + tokenLifetimeSeconds[purpose] })).toString('base64url');
  return `${payload}.${macOf(appSecret, purpose, payload).toString('base64url')}`;
}

/** The payload of a token of exactly the expected shape whose MAC (`mac` of its payload) matches, compared in constant time. */
export function openToken(token: string, mac: (payload: string) => Buffer): Record<string, unknown> | null {
  if (token.length > maxTokenLength) return null;
  const m = tokenShape.exec(token);
  if (!m) return null;
  const payload = m[1]!;
  const given = Buffer.from(m[2]!, 'base64url');
  const expected = mac(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The claims of an intact, unexpired token of this purpose; else whether it is invalid or expired. */
export function verifyToken(appSecret: string, purpose: TokenPurpose, token: string, now = Date.now()): TokenCheck<Record<string, unknown>> {
  const claims = openToken(token, (payload) => macOf(appSecret, purpose, payload));
  if (!claims || typeof claims.e !== 'number') return { ok: false, reason: 'invalid' };
  if (Math.floor(now / 1000) > claims.e) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
