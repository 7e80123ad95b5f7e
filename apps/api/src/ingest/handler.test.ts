import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { INGEST_MAX_BODY_BYTES: '20000' } });
});
afterAll(() => t?.close());

const basic = () => `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`;

async function send(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

async function stored(messageId: string) {
  const rs = await t.app.clickhouse.query({
    query: 'SELECT type, event, timestamp, is_bot, context FROM events WHERE workspace_id = {ws:String} AND message_id = {id:String}',
    query_params: { ws: t.workspace.id, id: messageId },
    format: 'JSONEachRow',
  });
  return rs.json<{ type: string; event: string; timestamp: string; is_bot: number; context: string }>();
}

describe('ingestion API', () => {
  it('answers 400 on malformed JSON', async () => {
    const r = await send('/v1/batch', '{"batch": [');
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/Malformed JSON/);
  });

  it('names the field and the event index of a wrong event and stores the valid ones', async () => {
    const ok = randomUUID();
    const r = await send('/v1/batch', JSON.stringify({ batch: [{ type: 'track', event: 'Fine', userId: 'u', messageId: ok }, { type: 'track', userId: 'u' }, { type: 'identify' }] }));
    expect(r.status).toBe(200);
    expect(r.json.accepted).toBe(1);
    expect(r.json.rejected).toEqual([
      { index: 1, errors: [expect.objectContaining({ index: 1, field: 'batch[1].event' })] },
      { index: 2, errors: [expect.objectContaining({ index: 2, field: 'batch[2].userId', message: 'userId or anonymousId is required' })] },
    ]);
    expect(await stored(ok)).toHaveLength(1);
  });

  it('answers 400 naming the field when every event is wrong', async () => {
    const r = await send('/v1/track', JSON.stringify({ userId: 'u', properties: 'nope', event: 'X' }));
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^properties: /);
    const b = await send('/v1/batch', JSON.stringify({ batch: 'x' }));
    expect(b.status).toBe(400);
    expect(b.json.error).toMatch(/^batch: /);
  });

  it('answers 401 on an unknown or missing key, and 413 above the body limit', async () => {
    const body = JSON.stringify({ event: 'X', userId: 'u' });
    expect((await send('/v1/track', body, { authorization: `Basic ${Buffer.from('wk_nope:').toString('base64')}` })).status).toBe(401);
    const res = await fetch(`${t.url}/v1/track`, { method: 'POST', body });
    expect(res.status).toBe(401);
    const big = JSON.stringify({ batch: [{ type: 'track', event: 'Big', userId: 'u', properties: { pad: 'x'.repeat(30_000) } }] });
    expect((await send('/v1/batch', big)).status).toBe(413);
    expect((await send('/v1/batch', gzipSync(big), { 'content-encoding': 'gzip' })).status).toBe(413);
  });

  it('takes sendBeacon bodies: text/plain with the write key inside, from another origin', async () => {
    const id = randomUUID();
    const pre = await fetch(`${t.url}/v1/batch`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const res = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
      body: JSON.stringify({ writeKey: t.workspace.writeKey, batch: [{ type: 'page', name: 'Home', anonymousId: 'a1', messageId: id }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect((await stored(id))[0]).toMatchObject({ type: 'page', event: 'Home' });
  });

  it('inflates gzip bodies', async () => {
    const id = randomUUID();
    const r = await send('/v1/batch', gzipSync(JSON.stringify({ batch: [{ type: 'track', event: 'Zipped', userId: 'u', messageId: id }] })), { 'content-encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(await stored(id)).toHaveLength(1);
  });

  it('corrects client clock skew from sentAt', async () => {
    const id = randomUUID();
    const skew = 3600_000; // the client's clock is an hour fast
    const now = Date.now();
    await send('/v1/batch', JSON.stringify({ sentAt: new Date(now + skew).toISOString(), batch: [{ type: 'track', event: 'Skewed', userId: 'u', messageId: id, timestamp: new Date(now + skew - 10_000).toISOString() }] }));
    const [row] = await stored(id);
    const ts = Date.parse(`${row!.timestamp.replace(' ', 'T')}Z`);
    expect(Math.abs(ts - (now - 10_000))).toBeLessThan(5_000);
  });

  it('flags bots by user agent and automation instead of dropping them', async () => {
    const a = randomUUID();
    const b = randomUUID();
    await send('/v1/batch', JSON.stringify({ batch: [{ type: 'page', anonymousId: 'x', messageId: a, context: { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1)' } }] }));
    await send('/v1/batch', JSON.stringify({ batch: [{ type: 'page', anonymousId: 'y', messageId: b, context: { userAgent: 'Mozilla/5.0 Chrome/120', webdriver: true } }] }));
    expect((await stored(a))[0]!.is_bot).toBe(1);
    expect((await stored(b))[0]!.is_bot).toBe(1);
  });

  it('lets a secret key read the latest events, and refuses a write key', async () => {
    const secret = (await fetch(`${t.url}/v1/events?limit=5`, { headers: { authorization: `Bearer ${t.workspace.secretKey}` } }));
    expect(secret.status).toBe(200);
    const body = (await secret.json()) as { events: unknown[] };
    expect(body.events.length).toBeGreaterThan(0);
    expect(body.events.length).toBeLessThanOrEqual(5);
    expect((await fetch(`${t.url}/v1/events`, { headers: { authorization: basic() } })).status).toBe(403);
    expect((await fetch(`${t.url}/v1/events?limit=0`, { headers: { authorization: `Bearer ${t.workspace.secretKey}` } })).status).toBe(400);
  });

  it('reports each store in /healthz', async () => {
    const res = await fetch(`${t.url}/healthz`);
    const h = (await res.json()) as { ok: boolean; stores: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(Object.keys(h.stores).sort()).toEqual(['clickhouse', 'postgres', 'redis']);
    expect(h.ok).toBe(true);
  });
});
