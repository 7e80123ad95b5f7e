import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app';
import { HttpError } from '../http/errors';
import { readJson } from '../http/body';
import { clientIp, sendJson } from '../http/respond';
import { bearerOrBasicKey } from '../http/auth';
import { parseEvent, type EventType, type FieldError } from './schema';
import { normalizeEvent, type EventRow, type RequestFacts } from './normalize';
import { withKeyKind } from './key-kind';

export const ingestRoutes: Record<string, EventType | 'batch'> = {
  '/v1/batch': 'batch',
  '/v1/import': 'batch',
  '/v1/track': 'track',
  '/v1/t': 'track',
  '/v1/page': 'page',
  '/v1/p': 'page',
  '/v1/screen': 'screen',
  '/v1/identify': 'identify',
  '/v1/i': 'identify',
  '/v1/alias': 'alias',
  '/v1/a': 'alias',
  '/v1/group': 'group',
  '/v1/g': 'group',
};

const unavailable = (what: string) => new HttpError(503, `${what} is unavailable; retry later`, undefined, { 'retry-after': '5' });

export async function handleIngest(app: App, req: IncomingMessage, res: ServerResponse, kind: EventType | 'batch'): Promise<void> {
  // Real-time triggers ride on Redis: without it we refuse rather than accept what we can't process.
  if (app.redis.status !== 'ready') throw unavailable('The event queue (Redis)');
  const body = await readJson(req, app.config.maxBodyBytes);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body: must be a JSON object');
  const payload = body as Record<string, unknown>;

  const key = bearerOrBasicKey(req) ?? (typeof payload.writeKey === 'string' ? payload.writeKey : undefined);
  if (!key) throw new HttpError(401, 'Missing write key: send it as the HTTP Basic user name or as "writeKey" in the body');
  let resolved;
  try {
    resolved = await app.keys.resolve(key);
  } catch {
    throw unavailable('The workspace store (PostgreSQL)');
  }
  if (!resolved) throw new HttpError(401, 'Unknown or revoked write key');

  let raw: unknown[];
  let prefix: (i: number) => string;
  if (kind === 'batch') {
    if (!Array.isArray(payload.batch)) throw new HttpError(400, 'batch: must be an array of events', { rejected: [{ index: -1, field: 'batch', message: 'must be an array' }] });
    if (payload.batch.length === 0) throw new HttpError(400, 'batch: must hold at least one event');
    raw = payload.batch;
    prefix = (i) => `batch[${i}]`;
  } else {
    const { writeKey: _omit, ...event } = payload;
    raw = [{ ...event, type: kind }];
    prefix = () => '';
  }

  const receivedAt = Date.now();
  const batchContext = kind === 'batch' && isObject(payload.context) ? payload.context : undefined;
  const ua = req.headers['user-agent'];
  const facts: RequestFacts = {
    workspaceId: resolved.workspaceId,
    receivedAt,
    batchSentAt: payload.sentAt,
    batchContext,
    ip: clientIp(req, app.config.trustProxyHops),
    userAgent: typeof ua === 'string' ? ua : undefined,
    geo: app.geo,
  };
  const rows: EventRow[] = [];
  const rejected: Array<{ index: number; errors: FieldError[] }> = [];
  raw.forEach((item, index) => {
    const parsed = parseEvent(item, index, prefix(index));
    if ('errors' in parsed) {
      rejected.push({ index, errors: parsed.errors });
      return;
    }
    rows.push(normalizeEvent(withKeyKind(parsed.event, resolved.kind), facts));
  });

  if (rows.length === 0) {
    const first = rejected[0]?.errors[0];
    const where = first ? `${first.field}: ${first.message}` : 'no valid events';
    throw new HttpError(400, kind === 'batch' ? `No valid events in batch (${where})` : where, { rejected });
  }
  try {
    await app.writer.write(rows);
  } catch (err) {
    app.log.error('event insert failed', { error: (err as Error).message, count: rows.length });
    throw unavailable('The event store (ClickHouse)');
  }
  sendJson(res, 200, rejected.length ? { success: true, accepted: rows.length, rejected } : { success: true, accepted: rows.length });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
