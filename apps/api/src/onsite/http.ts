import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app-handle';
import type { ExtraRoute } from '../kernel/http/route';
import { HttpError } from '../kernel/http/errors';
import { readJson } from '../kernel/http/body';
import { sendJson } from '../kernel/http/respond';
import { bearerOrBasicKey } from '../workspaces/request-auth';
import { decide } from './decide';
import { onsiteEventKinds, OnsiteEventError, recordOnsiteEvents, type OnsiteEvent } from './events';
import { serveOnsiteSdk } from './sdk';

// Bodies are small; the SDK posts them as text/plain so the browser sends no CORS preflight.
const maxBody = 16_384;

async function workspaceOf(app: App, req: IncomingMessage, body: Record<string, unknown>): Promise<string> {
  const key = bearerOrBasicKey(req) ?? (typeof body.writeKey === 'string' ? body.writeKey : undefined);
  if (!key) throw new HttpError(401, 'Missing write key: send it as the HTTP Basic user name or as "writeKey" in the body');
  let resolved;
  try {
    resolved = await app.keys.resolve(key);
  } catch {
    throw new HttpError(503, 'The workspace store (PostgreSQL) is unavailable; retry later', undefined, { 'retry-after': '5' });
  }
  if (!resolved) throw new HttpError(401, 'Unknown or revoked write key');
  return resolved.workspaceId;
}

async function objectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readJson(req, maxBody);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body: must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalId(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 255) throw new HttpError(400, `${field}: must be a string of at most 255 characters`);
  return v;
}

/** `POST /v1/decide` {anonymousId, userId?, url, productId?, consent?} → {placements: [...]} */
async function handleDecide(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await objectBody(req);
  const workspaceId = await workspaceOf(app, req, body);
  const anonymousId = optionalId(body, 'anonymousId');
  const userId = optionalId(body, 'userId');
  if (!anonymousId && !userId) throw new HttpError(400, 'anonymousId: required (or userId)');
  if (typeof body.url !== 'string') throw new HttpError(400, 'url: required, the page URL');
  let url: URL;
  try {
    url = new URL(body.url);
  } catch {
    throw new HttpError(400, 'url: must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpError(400, 'url: must be an absolute http(s) URL');
  const consent = body.consent;
  if (consent !== undefined && (typeof consent !== 'object' || consent === null)) throw new HttpError(400, 'consent: must be an object');
  // Onsite content is marketing: a visitor who declined it gets nothing (the SDK does not even ask).
  if ((consent as { marketing?: unknown } | undefined)?.marketing === false) return sendJson(res, 200, { placements: [] }, { 'cache-control': 'no-store' });
  const productId = optionalId(body, 'productId');
  const result = await decide(app, { workspaceId, anonymousId, userId, url, productId });
  sendJson(res, 200, { placements: result.placements, ...(result.partial ? { partial: true } : {}) }, { 'cache-control': 'no-store' });
}

/** `POST /v1/decide/events` {events: [{token, kind, href?}]} or one event's fields at the top level. */
async function handleEvents(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await objectBody(req);
  const workspaceId = await workspaceOf(app, req, body);
  const single = body.events === undefined;
  const raw = single ? [body] : body.events;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 100) throw new HttpError(400, 'events: must be an array of 1 to 100 events');
  const events: OnsiteEvent[] = raw.map((e: unknown, i) => {
    const at = single ? '' : `events[${i}].`;
    if (typeof e !== 'object' || e === null) throw new HttpError(400, `events[${i}]: must be an object`);
    const { token, kind, href } = e as Record<string, unknown>;
    if (typeof token !== 'string' || !token) throw new HttpError(400, `${at}token: required, as received from /v1/decide`);
    if (typeof kind !== 'string' || !(onsiteEventKinds as readonly string[]).includes(kind)) throw new HttpError(400, `${at}kind: must be one of ${onsiteEventKinds.join(', ')}`);
    if (href !== undefined && typeof href !== 'string') throw new HttpError(400, `${at}href: must be a string`);
    return { token, kind: kind as OnsiteEvent['kind'], href };
  });
  try {
    const recorded = await recordOnsiteEvents(app, workspaceId, events);
    sendJson(res, 200, { success: true, recorded });
  } catch (err) {
    if (err instanceof OnsiteEventError) throw new HttpError(err.status, err.message);
    throw err;
  }
}

/** Registered in http/routes.ts, ahead of the SDK's `/sdk/` prefix route. */
export const onsiteRoutes: ExtraRoute[] = [
  { method: 'POST', path: '/v1/decide', handler: handleDecide, cors: true },
  { method: 'POST', path: '/v1/decide/events', handler: handleEvents, cors: true },
  { method: 'GET', path: '/sdk/onsite.js', handler: serveOnsiteSdk, cors: true },
];
