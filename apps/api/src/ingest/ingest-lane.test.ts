import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { companionClickhouse } from '../stores/clickhouse';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('ingestion does not queue behind other ClickHouse work', () => {
  it('acknowledges a batch while a long query on the shared connection is still running', async () => {
    // Real-time consumers and reads use this connection; chDB runs one connection's calls one at a time.
    // Long enough to outlast any acknowledgement on a loaded machine; cancelled once the batch is in.
    let queryDone = false;
    const query = t.app.clickhouse
      .query({ query: 'SELECT sum(sleepEachRow(0.1)) AS lane_hold FROM numbers(600) SETTINGS max_block_size = 1', format: 'JSONEachRow' })
      .then((rs) => rs.json())
      .catch((err: unknown) => String(err))
      .finally(() => (queryDone = true));

    const batch = Array.from({ length: 5 }, (_, i) => ({ type: 'track', event: 'Lane', userId: `u${i}`, messageId: randomUUID() }));
    const res = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch }),
    });
    expect(res.status).toBe(200);
    // Acknowledged (so stored) before the minute-long query ended.
    expect(queryDone).toBe(false);
    const side = companionClickhouse(t.app.clickhouse)!;
    try {
      // ASYNC: chDB never settles a KILL that waits for the query it cancels.
      await (await side.query({ query: "KILL QUERY WHERE query LIKE '%lane_hold%' AND query NOT LIKE '%KILL QUERY%' ASYNC", format: 'JSONEachRow' })).json();
    } finally {
      await side.close();
    }
    expect(await query).toMatch(/cancelled/i);
    const rs = await t.app.clickhouse.query({
      query: `SELECT message_id FROM events WHERE workspace_id = {ws:String} AND event = 'Lane'`,
      query_params: { ws: t.workspace.id },
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ message_id: string }>()).map((r) => r.message_id).sort()).toEqual(batch.map((e) => e.messageId).sort());
  }, 120_000);
});
