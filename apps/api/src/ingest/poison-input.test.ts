import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

async function send(path: string, body: string) {
  const res = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, json: (await res.json()) as { error?: string; accepted?: number; rejected?: Array<{ index: number; errors: Array<{ field: string; message: string }> }> } };
}

async function storedIds(ids: string[]): Promise<string[]> {
  const rs = await t.app.clickhouse.query({
    query: 'SELECT message_id FROM events WHERE workspace_id = {ws:String} AND message_id IN {ids:Array(String)} ORDER BY message_id',
    query_params: { ws: t.workspace.id, ids },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ message_id: string }>()).map((r) => r.message_id);
}

const fine = () => ({ type: 'track', event: 'Fine', userId: 'u1', messageId: randomUUID() });
/** JSON of an object `depth` levels deep (JSON.stringify itself overflows on deep values). */
const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"leaf":1}${'}'.repeat(depth - 1)}`;
/** An event's JSON with `extra` as raw JSON members. */
const eventJson = (extra: Record<string, string>) => {
  const e = JSON.stringify(fine());
  return `${e.slice(0, -1)}${Object.entries(extra).map(([k, v]) => `,"${k}":${v}`).join('')}}`;
};

describe('times out of range', () => {
  const bad: Array<[string, unknown]> = [
    ['+1e15', 1e15],
    ['-1e15', -1e15],
    ['1e16', 1e16],
    ['a 1969 time', '1969-12-31T23:59:59Z'],
    ['epoch zero', 0],
    ['NaN as text', 'NaN'],
    ['Infinity as text', 'Infinity'],
    ['year 275760', '+275760-09-13T00:00:00.000Z'],
    ['an empty string', ''],
    ['an object', { $date: 1 }],
    ['year 0', '0000-01-01T00:00:00Z'],
  ];

  it.each(bad)('refuses %s as batch[i].timestamp and stores the other events', async (_, value) => {
    const ok = [fine(), fine()];
    const r = await send('/v1/batch', JSON.stringify({ batch: [ok[0], { ...fine(), timestamp: value }, ok[1]] }));
    expect(r.status).toBe(200);
    expect(r.json.accepted).toBe(2);
    expect(r.json.rejected).toEqual([{ index: 1, errors: [expect.objectContaining({ field: 'batch[1].timestamp' })] }]);
    expect(await storedIds(ok.map((e) => e.messageId))).toEqual(ok.map((e) => e.messageId).sort());
  });

  it.each(bad)('refuses %s as an event sentAt, a batch sentAt and a single call timestamp with a 400 naming it', async (_, value) => {
    const r1 = await send('/v1/batch', JSON.stringify({ batch: [{ ...fine(), sentAt: value }] }));
    expect(r1.status).toBe(400);
    expect(r1.json.error).toMatch(/batch\[0\]\.sentAt: must be a time between 2000-01-01 and 2099-12-31/);
    const r2 = await send('/v1/batch', JSON.stringify({ batch: [fine()], sentAt: value }));
    expect(r2.status).toBe(400);
    expect(r2.json.error).toMatch(/^sentAt: /);
    const r3 = await send('/v1/track', JSON.stringify({ ...fine(), timestamp: value }));
    expect(r3.status).toBe(400);
    expect(r3.json.error).toMatch(/^timestamp: /);
  });

  it('answers 400 for a number too large for JSON (1e400 parses as Infinity)', async () => {
    const r = await send('/v1/batch', `{"batch":[{"type":"track","event":"x","userId":"u","timestamp":1e400}]}`);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/batch\[0\]\.timestamp/);
  });
});

describe('deep and large values', () => {
  it('refuses properties nested 6,000 deep with a 400 for that event and stores its siblings', async () => {
    const ok = [fine(), fine()];
    const r = await send('/v1/batch', `{"batch":[${JSON.stringify(ok[0])},${eventJson({ properties: nested(6000) })},${JSON.stringify(ok[1])}]}`);
    expect(r.status).toBe(200);
    expect(r.json.rejected).toEqual([{ index: 1, errors: [{ index: 1, field: 'batch[1].properties', message: 'is nested deeper than 20 levels' }] }]);
    expect(await storedIds(ok.map((e) => e.messageId))).toEqual(ok.map((e) => e.messageId).sort());
  });

  it('names traits, context and a batch context nested too deep, and accepts 20 levels', async () => {
    const r1 = await send('/v1/batch', `{"batch":[${JSON.stringify(fine())},${eventJson({ traits: nested(50) })},${eventJson({ context: `{"x":${nested(50)}}` })}]}`);
    expect(r1.json.rejected!.map((x) => x.errors[0]!.field)).toEqual(['batch[1].traits', 'batch[2].context']);
    const r2 = await send('/v1/batch', `{"batch":[${JSON.stringify(fine())}],"context":${nested(6000)}}`);
    expect(r2.status).toBe(400);
    expect(r2.json.error).toMatch(/^context: is nested deeper than 20 levels/);
    const r3 = await send('/v1/track', eventJson({ properties: nested(20) }));
    expect(r3.status).toBe(200);
    const r4 = await send('/v1/track', eventJson({ properties: nested(21) }));
    expect(r4.json.error).toBe('properties: is nested deeper than 20 levels');
  });

  it('refuses an event over 32 KB of properties or too many keys, by index', async () => {
    const ok = fine();
    const big = { ...fine(), properties: { text: 'x'.repeat(40_000) } };
    const wide = { ...fine(), properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i])) };
    const r = await send('/v1/batch', JSON.stringify({ batch: [big, ok, wide] }));
    expect(r.status).toBe(200);
    expect(r.json.rejected).toEqual([
      { index: 0, errors: [{ index: 0, field: 'batch[0].properties', message: 'is over 32 KB as JSON' }] },
      { index: 2, errors: [{ index: 2, field: 'batch[2].properties', message: 'holds more than 2000 keys and items' }] },
    ]);
    expect(await storedIds([ok.messageId])).toEqual([ok.messageId]);
  });

  it('answers 400, not a crash, to a 1 MB body of nested arrays and to a deep body object', async () => {
    const depth = 500_000;
    const r1 = await send('/v1/batch', '['.repeat(depth) + ']'.repeat(depth));
    expect(r1.status).toBe(400);
    const r2 = await send('/v1/batch', `{"batch":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(r2.status).toBe(400);
    const r3 = await send('/v1/batch', `{"batch":[${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}]}`);
    expect(r3.status).toBe(400);
    expect((await send('/v1/batch', JSON.stringify({ batch: [fine()] }))).status).toBe(200);
  });
});
