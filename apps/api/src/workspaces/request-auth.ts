import type { IncomingMessage } from 'node:http';
import type { App } from '../app-handle';
import type { ResolvedKey } from './key-resolver';
import { HttpError } from '../kernel/http/errors';

/** A key from `Authorization: Basic base64(key:)` (Segment clients) or `Bearer key`. */
export function bearerOrBasicKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    return user || undefined;
  }
  return undefined;
}

/** Server-side reads need a secret key; a public write key may only send events. */
export async function requireSecretKey(app: App, req: IncomingMessage): Promise<ResolvedKey> {
  const key = bearerOrBasicKey(req);
  if (!key) throw new HttpError(401, 'Missing secret key: send it as "Authorization: Bearer sk_..." or as the HTTP Basic user name');
  const resolved = await app.keys.resolve(key);
  if (!resolved) throw new HttpError(401, 'Unknown or revoked key');
  if (resolved.kind !== 'secret') throw new HttpError(403, 'A write key can only send events; use a secret key to read');
  return resolved;
}
