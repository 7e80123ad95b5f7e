import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../channels/secrets';

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
  /** click destination */
  u?: string;
}

function sign(appSecret: string, payload: string): string {
  return createHmac('sha256', deriveKey(appSecret, 'tracking-links')).update(payload).digest().subarray(0, 18).toString('base64url');
}

export function signClaims(appSecret: string, claims: TrackingClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(appSecret, payload)}`;
}

/** The claims of an untampered token, else null. */
export function verifyClaims(appSecret: string, token: string): TrackingClaims | null {
  const [payload, sig] = token.split('.');
  if (!payload || !sig) return null;
  const expected = Buffer.from(sign(appSecret, payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TrackingClaims;
    return typeof claims.w === 'string' && typeof claims.m === 'string' && typeof claims.p === 'string' ? claims : null;
  } catch {
    return null;
  }
}

export interface LinkContext {
  appSecret: string;
  publicUrl: string;
  claims: TrackingClaims;
}

export const clickUrl = (ctx: LinkContext, destination: string) => `${ctx.publicUrl}/t/c/${signClaims(ctx.appSecret, { ...ctx.claims, u: destination })}`;
export const openPixelUrl = (ctx: LinkContext) => `${ctx.publicUrl}/t/o/${signClaims(ctx.appSecret, ctx.claims)}.gif`;
export const unsubscribeUrl = (ctx: LinkContext) => `${ctx.publicUrl}/t/u/${signClaims(ctx.appSecret, ctx.claims)}`;

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
      if (!/^https?:\/\//i.test(destination) || destination.startsWith(`${ctx.publicUrl}/t/`)) return whole;
      return `${before}${quote}${clickUrl(ctx, destination)}${quote}`;
    });
  });
}

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&#38;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}
