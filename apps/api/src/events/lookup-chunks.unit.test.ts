import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedLookup, lookupChunks, serverLookup } from './lookup-chunks';
import type { EventRow } from './row';

const rows = (ids: string[]) => ids.map((message_id) => ({ workspace_id: 'w', message_id }) as EventRow);
const uuids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

/** The largest parameter of a request as a ClickHouse server reads it: a URL field (encoded) or a form field. */
async function largestParam(req: IncomingMessage): Promise<number> {
  const body: Buffer[] = [];
  for await (const part of req) body.push(part as Buffer);
  const text = Buffer.concat(body).toString('utf8');
  const inUrl = (req.url ?? '').split(/[?&]/).filter((f) => f.startsWith('param_')).map((f) => f.length - f.indexOf('=') - 1);
  const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1];
  const inForm = boundary
    ? text.split(`--${boundary}`).filter((p) => p.includes('name="param_')).map((p) => Buffer.byteLength(p.slice(p.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '')))
    : [];
  return Math.max(0, ...inUrl, ...inForm);
}

describe('lookupChunks', () => {
  const seen: number[] = [];
  // A server's header limit well above a ClickHouse server's: what is measured is the parameter, not Node's limit.
  const server = createServer({ maxHeaderSize: 4 << 20 }, (req, res) => {
    void largestParam(req).then((n) => {
      seen.push(n);
      res.writeHead(200).end('');
    });
  });
  beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r())));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('puts up to maxIds ids in a look-up, in order', () => {
    const ids = uuids(2 * embeddedLookup.maxIds + 5);
    const chunks = lookupChunks(rows(ids), embeddedLookup);
    expect(chunks.map((c) => c.length)).toEqual([embeddedLookup.maxIds, embeddedLookup.maxIds, 5]);
    expect(chunks.flat().map((r) => r.message_id)).toEqual(ids);
  });

  it('keeps what the client sends a server within its 128 KiB per parameter, whatever the ids hold', async () => {
    const client = createClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const awkward = Array.from({ length: 2_000 }, (_, i) => `${"'\\(é\t".repeat(50)}${i}`);
      for (const ids of [uuids(30_000), awkward]) {
        const chunks = lookupChunks(rows(ids), serverLookup);
        expect(chunks.flat().map((r) => r.message_id)).toEqual(ids);
        seen.length = 0;
        for (const chunk of chunks) await client.command({ query: 'SELECT {ids:Array(String)}', query_params: { ids: chunk.map((r) => r.message_id) } });
        expect(seen).toHaveLength(chunks.length);
        for (const bytes of seen) expect(bytes).toBeLessThanOrEqual(128 * 1024);
        // The budget is used, not wasted: each look-up but the last carries at least 3/4 of it.
        for (const bytes of seen.slice(0, -1)) expect(bytes).toBeGreaterThan((3 / 4) * serverLookup.maxParamBytes);
      }
    } finally {
      await client.close();
    }
  });

  it('makes no look-up of no rows', () => {
    expect(lookupChunks([], serverLookup)).toEqual([]);
  });
});
