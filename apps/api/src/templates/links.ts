import { createHmac } from 'node:crypto';
import { deriveKey } from '../kernel/crypto/secrets';
import { openToken, signToken, verifyToken, type TokenCheck, type TokenPurpose } from '../kernel/crypto/signed-tokens';

/** What a tracked link or pixel stands for; short keys keep URLs short. */
export interface TrackingClaims {
  /** workspace */
  w: string;
  /** message id */
  m: string;
  /** profile id */
  p: string;
  /** channel */
  c: string;
  /** template id */
  t: string;
  /** subscription group ('' = the whole channel) */
  g?: string;
  /** journey and node, when a journey sent it */
  j?: string;
  n?: string;
  /** the template variant sent (message experiments) */
  v?: string;
  /** click destination */
  u?: string;
}

/** Which link a token is for; open, click and unsubscribe tokens are not interchangeable. */
export type TrackingPurpose = Extract<TokenPurpose, 'open' | 'click' | 'unsubscribe'>;

export function signClaims(appSecret: string, purpose: TrackingPurpose, claims: TrackingClaims, now = Date.now()): string {
  return signToken(appSecret, purpose, claims, now);
}

/**
 * Links of emails sent before tokens had a purpose and an expiry: their click and unsubscribe links
 * keep working for 180 days after the change (unsubscribing must keep working for mail already in
 * inboxes), then only current tokens pass. Such an old email's pixel token equals its unsubscribe
 * token, so until then it can unsubscribe that one recipient, as it always could; mail sent since
 * carries separate tokens.
 */
export const legacyTokensUntil = Date.parse('2027-06-02T00:00:00Z');
const legacyMac = (appSecret: string) => (payload: string) => createHmac('sha256', deriveKey(appSecret, 'tracking-links')).update(payload).digest().subarray(0, 18);

const isClaims = (c: Record<string, unknown>): c is Record<string, unknown> & TrackingClaims =>
  typeof c.w === 'string' && typeof c.m === 'string' && typeof c.p === 'string' && typeof c.c === 'string' && typeof c.t === 'string' && (c.u === undefined || typeof c.u === 'string');

/** The claims of an intact, unexpired token of this purpose; else why not (400 or 410 for the caller). */
export function verifyClaims(appSecret: string, purpose: TrackingPurpose, token: string, now = Date.now()): TokenCheck<TrackingClaims> {
  const checked = verifyToken(appSecret, purpose, token, now);
  if (checked.ok) return isClaims(checked.claims) ? { ok: true, claims: checked.claims } : { ok: false, reason: 'invalid' };
  if (checked.reason === 'expired' || purpose === 'open' || now >= legacyTokensUntil) return checked;
  const legacy = openToken(token, legacyMac(appSecret));
  return legacy && legacy.e === undefined && isClaims(legacy) ? { ok: true, claims: legacy } : checked;
}

export interface LinkContext {
  appSecret: string;
  publicUrl: string;
  claims: TrackingClaims;
}

/** Only web destinations are tracked and redirected to; the destination is signed into the token. */
export const isWebUrl = (s: string) => {
  try {
    const { protocol } = new URL(s);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
};

export const clickUrl = (ctx: LinkContext, destination: string) => `${ctx.publicUrl}/t/c/${signClaims(ctx.appSecret, 'click', { ...ctx.claims, u: destination })}`;
export const openPixelUrl = (ctx: LinkContext) => `${ctx.publicUrl}/t/o/${signClaims(ctx.appSecret, 'open', ctx.claims)}.gif`;
export const unsubscribeUrl = (ctx: LinkContext) => `${ctx.publicUrl}/t/u/${signClaims(ctx.appSecret, 'unsubscribe', ctx.claims)}`;

const anchorPattern = /<a\b[^>]*>/gi;
const hrefPattern = /(\bhref\s*=\s*)(["'])(.*?)\2/i;

/**
 * Points every http(s) link of rendered HTML at the signed click redirect. Links marked
 * `data-overture-notrack`, our own tracking links (unsubscribe), mailto: and anchors stay as they are.
 */
export function rewriteLinks(html: string, ctx: LinkContext): string {
  return html.replace(anchorPattern, (tag: string) => {
    if (/\bdata-overture-notrack\b/i.test(tag)) return tag;
    return tag.replace(hrefPattern, (whole: string, before: string, quote: string, href: string) => {
      const destination = decodeEntities(href.trim());
      if (!isWebUrl(destination) || destination.startsWith(`${ctx.publicUrl}/t/`)) return whole;
      return `${before}${quote}${clickUrl(ctx, destination)}${quote}`;
    });
  });
}

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&#38;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}
