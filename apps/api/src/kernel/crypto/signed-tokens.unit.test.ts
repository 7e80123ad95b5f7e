// Signed tracking tokens on their own: purpose, expiry on an injected clock, strict parsing, legacy links.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signClaims, verifyClaims, type TrackingClaims } from '../../templates';
import { legacyTokensUntil } from '../../templates/links';
import { deriveKey } from './secrets';
import { signToken, tokenLifetimeSeconds, verifyToken } from './signed-tokens';

const day = 86_400_000;
const secret = 's'.repeat(64);
const claims: TrackingClaims = { w: 'ws', m: 'msg_1', p: 'prof', c: 'email', t: 'tpl' };

/** How tokens were signed before they had a purpose and an expiry (still in inboxes). */
function legacyToken(appSecret: string, c: TrackingClaims): string {
  const payload = Buffer.from(JSON.stringify(c)).toString('base64url');
  return `${payload}.${createHmac('sha256', deriveKey(appSecret, 'tracking-links')).update(payload).digest().subarray(0, 18).toString('base64url')}`;
}

describe('signed tokens', () => {
  it('are bound to their purpose', () => {
    const open = signClaims(secret, 'open', claims);
    expect(verifyClaims(secret, 'open', open)).toMatchObject({ ok: true, claims });
    expect(verifyClaims(secret, 'unsubscribe', open)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyClaims(secret, 'click', open)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyToken(secret, 'action', open).ok).toBe(false);
  });

  it('expire: opens and clicks after 180 days, unsubscribe after 2 years (injected clock)', () => {
    const sentAt = Date.parse('2026-01-01T00:00:00Z');
    const click = signClaims(secret, 'click', { ...claims, u: 'https://shop.example/' }, sentAt);
    const unsubscribe = signClaims(secret, 'unsubscribe', claims, sentAt);
    expect(tokenLifetimeSeconds).toMatchObject({ open: 180 * 86_400, click: 180 * 86_400, unsubscribe: 730 * 86_400 });
    expect(verifyClaims(secret, 'click', click, sentAt + 179 * day).ok).toBe(true);
    expect(verifyClaims(secret, 'click', click, sentAt + 181 * day)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyClaims(secret, 'unsubscribe', unsubscribe, sentAt + 700 * day).ok).toBe(true);
    expect(verifyClaims(secret, 'unsubscribe', unsubscribe, sentAt + 731 * day)).toEqual({ ok: false, reason: 'expired' });
  });

  it('are parsed strictly: exact segments, base64url only, whole MAC, bounded length', () => {
    const token = signClaims(secret, 'click', { ...claims, u: 'https://shop.example/' });
    const [payload, mac] = token.split('.') as [string, string];
    for (const bad of [`${token}.x`, `${token}.`, `.${token}`, `${payload}`, `${payload}.${mac.slice(0, -1)}`, `${payload}=.${mac}`, `${payload}.${mac}=`, `${payload}+.${mac}`, `${payload} .${mac}`, `${payload}.${mac.slice(0, -1)}+`]) {
      expect(verifyClaims(secret, 'click', bad), bad).toEqual({ ok: false, reason: 'invalid' });
    }
    const long = signToken(secret, 'click', { ...claims, u: `https://shop.example/${'a'.repeat(5_000)}` });
    expect(verifyToken(secret, 'click', long)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accept links of mail sent before the change (click, unsubscribe) until the announced date, never as an open', () => {
    const old = legacyToken(secret, claims);
    expect(verifyClaims(secret, 'unsubscribe', old, legacyTokensUntil - day)).toMatchObject({ ok: true, claims });
    expect(verifyClaims(secret, 'unsubscribe', old, legacyTokensUntil + 1)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyClaims(secret, 'open', old, legacyTokensUntil - day)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyClaims(secret, 'unsubscribe', `${old}.x`, legacyTokensUntil - day)).toEqual({ ok: false, reason: 'invalid' });
  });
});
