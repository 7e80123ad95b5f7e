import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '@overture/api/testing';

// A matrix of hostile and broken inputs thrown at a live server: every answer must be a 4xx (or a
// 2xx for a batch that keeps its valid events), never a 5xx, a dropped connection or a crash.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const badTimes: string[] = ['1e15', '-1e15', '1e16', '1e400', '-1e400', '0', '-1', '"1969-12-31T23:59:59Z"', '"NaN"', '"Infinity"', '""', '"+275760-09-13T00:00:00.000Z"', '"0000-01-01T00:00:00Z"', '"9999-12-31T23:59:59Z"', '{}', '[]', 'true', 'null', `"${'9'.repeat(5000)}"`];
const badValues: string[] = ['null', '1e400', '-0', '{}', '[]', '""', `"${'x'.repeat(100_000)}"`, deepObject(6000), deepArray(6000), '[1,2,3]', 'true', '"\\u0000"'];

/** Bodies for an event-shaped endpoint; `base` is a valid body as JSON members without braces. */
function eventBodies(base: string, fields: string[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    for (const v of [...badTimes, ...badValues]) out.push(`{${base},"${f}":${v}}`);
  }
  return out;
}

const track = `"type":"track","event":"E","userId":"u"`;
const shapeless = ['', ' ', '{', '}', 'null', '[]', '1', '"x"', 'true', '{"batch":', deepArray(500_000), deepObject(100_000), '\u0000', '{"a":1}{"b":2}', '\ufeff{}'];

interface Case {
  path: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

function cases(writeKey: string): Case[] {
  const basic = { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` };
  const all: Case[] = [];
  const ingest = ['/v1/batch', '/v1/track', '/v1/page', '/v1/identify', '/v1/alias', '/v1/group'];
  for (const path of ingest) for (const body of shapeless) all.push({ path, body, headers: basic });
  for (const body of eventBodies(track, ['timestamp', 'sentAt', 'originalTimestamp', 'properties', 'traits', 'context', 'integrations', 'userId', 'anonymousId', 'messageId', 'event', 'type'])) {
    all.push({ path: '/v1/track', body, headers: basic });
    all.push({ path: '/v1/batch', body: `{"batch":[{${track}},${body}]}`, headers: basic });
  }
  for (const v of [...badTimes, ...badValues]) {
    all.push({ path: '/v1/batch', body: `{"batch":[{${track}}],"sentAt":${v}}`, headers: basic });
    all.push({ path: '/v1/batch', body: `{"batch":[{${track}}],"context":${v}}`, headers: basic });
    all.push({ path: '/v1/batch', body: `{"batch":${v}}`, headers: basic });
    all.push({ path: '/v1/track', body: `{${track},"writeKey":${v}}` });
    all.push({ path: '/v1/alias', body: `{"userId":"u","previousId":${v}}`, headers: basic });
  }
  // Keys: huge, malformed, of the wrong kind, in odd headers.
  for (const authorization of ['Basic !!!', 'Basic ', `Basic ${'A'.repeat(8000)}`, `Bearer ${'x'.repeat(8000)}`, 'Bearer', 'Digest x', `Basic ${Buffer.from(':').toString('base64')}`]) {
    all.push({ path: '/v1/track', body: `{${track}}`, headers: { authorization } });
  }
  all.push({ path: '/v1/track', body: `{${track},"writeKey":"wk_${'k'.repeat(900 * 1024)}"}` });
  // Encodings: broken gzip, unknown encodings, a gzip bomb over the body limit.
  all.push({ path: '/v1/batch', body: Buffer.from('not gzip'), headers: { ...basic, 'content-encoding': 'gzip' } });
  all.push({ path: '/v1/batch', body: `{${track}}`, headers: { ...basic, 'content-encoding': 'br' } });
  all.push({ path: '/v1/batch', body: gzipSync(Buffer.alloc(20 * 1024 * 1024, ' ')), headers: { ...basic, 'content-encoding': 'gzip' } });
  // Onsite and push endpoints take a write key in the body as the SDK sends it.
  const key = `"writeKey":"${writeKey}"`;
  for (const v of [...badTimes, ...badValues]) {
    for (const f of ['anonymousId', 'userId', 'url', 'consent', 'timestamp', 'sentAt']) all.push({ path: '/v1/decide', body: `{${key},"anonymousId":"a","url":"https://x.example/","${f}":${v}}` });
    for (const f of ['token', 'kind', 'href', 'timestamp', 'at']) all.push({ path: '/v1/decide/events', body: `{${key},"events":[{"token":"t","kind":"click","${f}":${v}}]}` });
    all.push({ path: '/v1/decide/events', body: `{${key},"events":${v}}` });
    for (const f of ['subscription', 'userId', 'anonymousId', 'expirationTime']) all.push({ path: '/v1/push/subscribe', body: `{${key},"anonymousId":"a","${f}":${v}}` });
    all.push({ path: '/v1/push/resubscribe', body: `{${key},"oldEndpoint":${v},"subscription":${v}}` });
    all.push({ path: '/v1/push/unsubscribe', body: `{${key},"endpoint":${v}}` });
    all.push({ path: '/v1/push/click', body: `{"track":${v}}` });
  }
  for (const path of ['/v1/decide', '/v1/decide/events', '/v1/push/subscribe', '/v1/push/click']) for (const body of shapeless) all.push({ path, body });
  return all;
}

describe('a matrix of bad inputs against a live server', () => {
  it('never answers 5xx nor drops the connection', async () => {
    const all = cases(t.workspace.writeKey);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < all.length) {
          const c = all[next++]!;
          let status = 0;
          try {
            const res = await fetch(`${t.url}${c.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...c.headers }, body: c.body });
            await res.arrayBuffer();
            status = res.status;
          } catch {
            status = -1;
          }
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500 || status < 0) failures.push(`${c.path} ${status} ${String(c.body).slice(0, 120)}`);
        }
      }),
    );
    const health = await fetch(`${t.url}/healthz`);
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
    console.info(`bad-input matrix: ${all.length} requests (${summary}); 5xx or dropped: ${failures.length}; healthz ${health.status}`);
    expect(failures).toEqual([]);
    expect(health.status).toBe(200);
  }, 600_000);
});
