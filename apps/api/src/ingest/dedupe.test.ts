import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { insertEvents } from '../events/store';
import { normalizeEvent } from './normalize';
import { countsByType } from '../events/queries';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const post = (body: unknown) =>
  fetch(`${t.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function count(workspaceId: string, where = '1') {
  const rs = await t.app.clickhouse.query({
    query: `SELECT count() AS n, uniqExact(message_id) AS u FROM events WHERE workspace_id = {ws:String} AND ${where}`,
    query_params: { ws: workspaceId },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string; u: string }>();
  return { n: Number(row!.n), u: Number(row!.u) };
}

describe('deduplication by messageId', () => {
  it('finds each event once when the same batch is sent twice', async () => {
    const batch = Array.from({ length: 25 }, (_, i) => ({ type: 'track', event: 'Retry Me', userId: `u${i % 5}`, messageId: randomUUID(), properties: { i } }));
    const sentAt = new Date().toISOString();
    expect((await post({ batch, sentAt })).status).toBe(200);
    // The retry carries a later sentAt, as a real client's would.
    expect((await post({ batch, sentAt: new Date(Date.now() + 1500).toISOString() })).status).toBe(200);
    expect(await count(t.workspace.id, "event = 'Retry Me'")).toEqual({ n: 25, u: 25 });
    const buckets = await countsByType(t.app.clickhouse, t.workspace.id, { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 3600_000), bucketSeconds: 7200 });
    expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(25);
  });

  it('never counts a duplicate twice even when it reaches storage twice (another process, a restart)', async () => {
    // Bypass the in-memory dedupe of the writer: both copies are physically stored.
    const ws = randomUUID();
    const rows = Array.from({ length: 10 }, (_, i) =>
      normalizeEvent({ type: 'track', event: 'Twice', userId: `p${i}`, messageId: `dup-${i}` }, { workspaceId: ws, receivedAt: Date.now() }),
    );
    await insertEvents(t.app.clickhouse, rows);
    await insertEvents(t.app.clickhouse, rows.map((r) => ({ ...r, received_at: r.received_at })));
    expect(await count(ws)).toEqual({ n: 10, u: 10 });
  });
});
