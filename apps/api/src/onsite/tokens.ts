import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../kernel/crypto/secrets';

/** One thing decide answered with: its message id, placement or template id, and journey/node if any. */
export interface Show {
  m: string;
  t: string;
  j?: string;
  n?: string;
  /** The placement's experiment variant shown. */
  v?: string;
}

export interface ShowClaims {
  w: string;
  p: string;
  show: Show;
}

// One HMAC per decide answer rather than one per placement shown: the answer's shows are signed
// together and each decision's token is that signature plus its index (signing was a visible share
// of decide's CPU). Tokens are opaque to the SDK; only this module reads them.
const sign = (secret: string, payload: string) => createHmac('sha256', deriveKey(secret, 'onsite-tokens')).update(payload).digest().subarray(0, 18).toString('base64url');

export function signShows(secret: string, workspaceId: string, profileId: string, shows: Show[]): string[] {
  if (shows.length === 0) return [];
  const payload = Buffer.from(JSON.stringify({ w: workspaceId, p: profileId, s: shows })).toString('base64url');
  const base = `${payload}.${sign(secret, payload)}`;
  return shows.map((_, i) => `${base}.${i}`);
}

export function verifyShow(secret: string, token: string): ShowClaims | null {
  const [payload, sig, index] = token.split('.');
  if (!payload || !sig || !index || !/^\d{1,2}$/.test(index)) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { w: string; p: string; s: Show[] };
    const show = claims.s[Number(index)];
    return show && typeof claims.w === 'string' && typeof claims.p === 'string' ? { w: claims.w, p: claims.p, show } : null;
  } catch {
    return null;
  }
}
