import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analytics } from '@segment/analytics-node';
import { startTestServer, type TestServer } from '@overture/api/testing';

async function storedEvents(t: TestServer) {
  const rs = await t.app.clickhouse.query({
    query: `SELECT type, event, user_id, anonymous_id, properties, traits, context FROM events
            WHERE workspace_id = {ws:String} ORDER BY timestamp`,
    query_params: { ws: t.workspace.id },
    format: 'JSONEachRow',
  });
  return rs.json<{ type: string; event: string; user_id: string; anonymous_id: string; properties: string; traits: string; context: string }>();
}

// On the PostgreSQL server only: where the engines differ, src/stores/postgres/conformance.test.ts runs on both.
describe.each(['postgres'] as const)('the official Segment Node client, with %s', (postgres) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ postgres });
  });
  afterAll(() => t?.close());

  it('sends track, identify and page calls that come back from ClickHouse with their properties', async () => {
    const analytics = new Analytics({ writeKey: t.workspace.writeKey, host: t.url, path: '/v1/batch', maxEventsInBatch: 10, flushInterval: 50 });
    analytics.identify({ userId: 'user-42', traits: { email: 'ada@example.com', plan: 'pro' } });
    analytics.track({ userId: 'user-42', event: 'Checkout Started', properties: { cart_value: 59.9, items: 3 } });
    analytics.page({ anonymousId: 'anon-7', name: 'Pricing', properties: { path: '/pricing', title: 'Pricing' } });
    const failures: unknown[] = [];
    analytics.on('error', (e) => failures.push(e));
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    const rows = await storedEvents(t);
    expect(rows).toHaveLength(3);
    const identify = rows.find((r) => r.type === 'identify')!;
    expect(identify.user_id).toBe('user-42');
    expect(JSON.parse(identify.traits)).toEqual({ email: 'ada@example.com', plan: 'pro' });
    const track = rows.find((r) => r.type === 'track')!;
    expect(track.event).toBe('Checkout Started');
    expect(JSON.parse(track.properties)).toEqual({ cart_value: 59.9, items: 3 });
    expect(JSON.parse(track.context).library.name).toBe('@segment/analytics-node');
    const page = rows.find((r) => r.type === 'page')!;
    expect(page.event).toBe('Pricing');
    expect(page.anonymous_id).toBe('anon-7');
    expect(JSON.parse(page.properties)).toMatchObject({ path: '/pricing', title: 'Pricing' });
  });
});
