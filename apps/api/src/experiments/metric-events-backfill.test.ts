import { afterAll, describe, expect, it } from 'vitest';
import { testClickhouse } from '@overture/api/testing';
import { migrateClickhouse } from '../stores/clickhouse';
import { selectRows } from '../stores/clickhouse/sql';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { variantSums } from './metrics';
import type { Metric } from './definition';

// ClickHouse migration 0140 on real chDB: events stored before it existed (schema built up to 0139)
// are copied into the narrow metric table exactly as its materialised view copies the same events
// stored after it, and a readout over the backfilled copy agrees with the raw events.
const hour = 3_600_000;
const t0 = Date.parse('2026-03-02T10:00:00Z');
const bot = { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' };
const metrics: Metric[] = [
  { kind: 'conversion', name: 'Ordered', event: 'Order Completed', windowHours: 72 },
  { kind: 'revenue', name: 'Revenue', windowHours: 72 },
  { kind: 'count', name: 'Product views', event: 'Product Viewed', windowHours: 72 },
];

/** The same events for either workspace: message ids and times fixed, so the two copies can be compared row for row. */
function events(): IncomingEvent[] {
  const out: Array<Record<string, unknown>> = [];
  const at = (h: number) => new Date(t0 + h * hour).toISOString();
  for (let i = 0; i < 12; i++) {
    const anonymousId = `a${i}`;
    out.push({ type: 'track', event: '$experiment_exposure', anonymousId, messageId: `x${i}`, timestamp: at(i), properties: { experiment: 'backfill', variant: i % 2 ? 'B' : 'A' } });
    out.push({ type: 'track', event: 'Product Viewed', anonymousId, messageId: `v${i}`, timestamp: at(i + 1), properties: { product_id: `p${i % 3}` } });
    if (i % 3 !== 2) out.push({ type: 'track', event: 'Order Completed', anonymousId, messageId: `o${i}`, timestamp: at(i + 2), properties: { revenue: 10 + i * 2.5 } });
    // Before the exposure: CUPED's covariate.
    if (i % 4 === 0) out.push({ type: 'track', event: 'Order Completed', anonymousId, messageId: `pre${i}`, timestamp: at(i - 5), properties: { revenue: 7.25 } });
  }
  out.push(
    { type: 'track', event: 'Order Completed', anonymousId: 'a1', messageId: 'bot-order', timestamp: at(3), properties: { revenue: 1000 }, context: bot },
    { type: 'page', anonymousId: 'a2', messageId: 'unnamed-page', timestamp: at(4), properties: { path: '/' } },
    { type: 'identify', anonymousId: 'a3', messageId: 'identify', timestamp: at(4), traits: { plan: 'gold' } },
    { type: 'track', event: 'Signed Up', anonymousId: 'a4', messageId: 'signup', timestamp: at(5) },
  );
  return out as unknown as IncomingEvent[];
}

async function store(workspaceId: string): Promise<void> {
  const ch = testClickhouse().client;
  await insertEvents(ch, events().map((e) => normalizeEvent(e, { workspaceId, receivedAt: t0 + 30 * 24 * hour })));
  // A retried write that reached `events` twice (until a merge collapses it): counted once either way.
  await ch.command({ query: `INSERT INTO events SELECT * FROM events WHERE workspace_id = {ws:String} AND message_id LIKE 'o%' SETTINGS final = 0`, query_params: { ws: workspaceId } });
}

const narrowRows = (workspaceId: string) =>
  selectRows<{ event: string; distinct_id: string; message_id: string; timestamp: string; revenue: number }>(
    testClickhouse().client,
    `SELECT event, distinct_id, message_id, toString(timestamp) AS timestamp, revenue FROM experiment_metric_events FINAL
     WHERE workspace_id = {ws:String} ORDER BY event, distinct_id, message_id`,
    { ws: workspaceId },
  );

describe('ClickHouse migration 0140 (experiment metric events) backfills stored events', () => {
  afterAll(() => testClickhouse().client.close());

  it('copies events stored before it as the view copies events stored after it, and the readout agrees with the raw path', async () => {
    const ch = testClickhouse().client;
    const applied = await migrateClickhouse(ch, { upTo: 139 });
    expect(applied.at(-1)).toBe('0120_message_variant');
    const tables = async () => (await selectRows<{ name: string }>(ch, `SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'experiment_metric_events'`, {})).length;
    expect(await tables()).toBe(0);
    await store('before');

    expect(await migrateClickhouse(ch, { upTo: 140 })).toEqual(['0140_experiment_metric_events']);
    expect(await tables()).toBe(1);
    await store('after');

    const before = await narrowRows('before');
    expect(before).toEqual(await narrowRows('after'));
    // Named, human events only, revenue parsed for orders alone, a retried order once.
    expect(before.filter((r) => ['bot-order', 'unnamed-page', 'identify'].includes(r.message_id))).toEqual([]);
    expect(before.filter((r) => r.event === 'Order Completed')).toHaveLength(11);
    expect(before.find((r) => r.message_id === 'o3')).toEqual({ event: 'Order Completed', distinct_id: 'a3', message_id: 'o3', timestamp: '2026-03-02 15:00:00.000', revenue: 17.5 });
    expect(before.find((r) => r.message_id === 'signup')?.revenue).toBe(0);
    expect(before.filter((r) => r.event === '$experiment_exposure')).toHaveLength(12);

    const narrow = await variantSums(ch, 'before', 'backfill', metrics, 'narrow');
    expect(narrow).toEqual(await variantSums(ch, 'before', 'backfill', metrics, 'raw'));
    expect(narrow).toEqual(await variantSums(ch, 'after', 'backfill', metrics, 'narrow'));
    expect(narrow.map((v) => v.n).sort()).toEqual([6, 6]);
    for (const v of narrow) for (const m of v.metrics) expect(m.sum).toBeGreaterThan(0);
  });
});
