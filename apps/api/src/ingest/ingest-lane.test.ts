import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('ingestion does not queue behind other ClickHouse work', () => {
  it('acknowledges a batch while a long query on the shared connection is still running', async () => {
    // Real-time consumers and reads use this connection; chDB runs one connection's calls one at a time.
    let queryDone = false;
    const query = t.app.clickhouse
      .query({ query: 'SELECT sum(sleepEachRow(0.1)) AS s FROM numbers(200) SETTINGS max_block_size = 1', format: 'JSONEachRow' })
      .then((rs) => rs.json())
      .finally(() => (queryDone = true));

    const batch = Array.from({ length: 5 }, (_, i) => ({ type: 'track', event: 'Lane', userId: `u${i}`, messageId: randomUUID() }));
    const res = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch }),
    });
    expect(res.status).toBe(200);
    // Acknowledged (so stored) before the 20-second query ended.
    expect(queryDone).toBe(false);
    await query;
    const rs = await t.app.clickhouse.query({
      query: `SELECT message_id FROM events WHERE workspace_id = {ws:String} AND event = 'Lane'`,
      query_params: { ws: t.workspace.id },
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ message_id: string }>()).map((r) => r.message_id).sort()).toEqual(batch.map((e) => e.messageId).sort());
  }, 120_000);
});
