import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app-handle';
import { HttpError } from '../kernel/http/errors';
import { readJson } from '../kernel/http/body';
import { clientIp, sendJson } from '../kernel/http/respond';
import { bearerOrBasicKey } from '../workspaces/request-auth';
import { parseEvent, time, timeMillis, type EventType, type FieldError } from './schema';
import { shapeProblem, sizeProblem } from './limits';
import { normalizeEvent, type EventRow, type RequestFacts } from './normalize';
import { withKeyKind } from './key-kind';
import { EventStoreBehindError } from '../events/ingest-log';

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
  // A batch's own sentAt and context apply to every event: when they are wrong, the whole request is.
  const batchContextProblem = shapeProblem(batchContext);
  if (batchContextProblem) throw new HttpError(400, `context: ${batchContextProblem}`);
  let batchSentAt: number | undefined;
  if (kind === 'batch' && payload.sentAt !== undefined && payload.sentAt !== null) {
    const checked = time.safeParse(payload.sentAt);
    if (!checked.success) throw new HttpError(400, `sentAt: ${checked.error.issues[0]?.message ?? 'must be a time'}`);
    batchSentAt = timeMillis(payload.sentAt);
  }
  const ua = req.headers['user-agent'];
  const facts: RequestFacts = {
    workspaceId: resolved.workspaceId,
    receivedAt,
    batchSentAt,
    batchContext,
    ip: clientIp(req, app.config.trustProxyHops),
    userAgent: typeof ua === 'string' ? ua : undefined,
    // Browsers send an Origin with every cross-origin POST (fetch, beacon); server-side clients don't.
    fromBrowser: typeof req.headers.origin === 'string' && req.headers.origin !== 'null',
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
    const row = normalizeEvent(withKeyKind(parsed.event, resolved.kind), facts);
    for (const field of ['properties', 'traits', 'context'] as const) {
      const problem = sizeProblem(row[field]);
      if (problem) {
        rejected.push({ index, errors: [{ index, field: [prefix(index), field].filter(Boolean).join('.'), message: problem }] });
        return;
      }
    }
    rows.push(row);
  });

  if (rows.length === 0) {
    const first = rejected[0]?.errors[0];
    const where = first ? `${first.field}: ${first.message}` : 'no valid events';
    throw new HttpError(400, kind === 'batch' ? `No valid events in batch (${where})` : where, { rejected });
  }
  try {
    await (app.ingestLog ?? app.writer).write(rows);
  } catch (err) {
    app.log.error('event write failed', { error: (err as Error).message, count: rows.length });
    throw unavailable(app.ingestLog && !(err instanceof EventStoreBehindError) ? 'The ingest log' : 'The event store (ClickHouse)');
  }
  sendJson(res, 200, rejected.length ? { success: true, accepted: rows.length, rejected } : { success: true, accepted: rows.length });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
