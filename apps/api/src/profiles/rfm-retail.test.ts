import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { loadRetailCsv } from '../demo/load-retail';
import { recomputeWorkspace } from '../segments';
import { asOfAfterImport, setAsOf } from '../workspaces';
import { selectRows } from '../stores/clickhouse/sql';

const dataset = join(import.meta.dirname, '../../../../../shared/data/online-retail.csv.gz');

/** The standard R × F grid, written out independently of the SQL under test. */
function gridName(r: number, f: number): string {
  const grid: Record<number, string[]> = {
    5: ['New Customers', 'Potential Loyalist', 'Potential Loyalist', 'Champions', 'Champions'],
    4: ['Promising', 'Potential Loyalist', 'Potential Loyalist', 'Loyal', 'Loyal'],
    3: ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal', 'Loyal'],
    2: ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose"],
    1: ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose"],
  };
  return grid[r]![f - 1]!;
}

describe.skipIf(!existsSync(dataset))('RFM on the full UCI Online Retail import', () => {
  let app: TestApp;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  let asOf: Date | null;
  let loaded: Awaited<ReturnType<typeof loadRetailCsv>>;
  beforeAll(async () => {
    app = await createTestApp();
    ws = await createWorkspace(app.postgres.db, 'online retail');
    loaded = await loadRetailCsv(app, ws.id, dataset);
    await app.writer.drain();
    expect(loaded.lines).toBeGreaterThan(540_000);
    // What `import orders` does: 2010–2011 data is scored as of the day after its last order.
    asOf = asOfAfterImport(loaded.lastOrderAt);
    expect(asOf?.toISOString()).toBe('2011-12-10T00:00:00.000Z');
    await setAsOf(app.postgres.db, ws.id, asOf);
    await recomputeWorkspace(app, ws.id);
  }, 300_000);
  afterAll(() => app?.close());

  it('equals, per customer, a straightforward SQL over the raw order events', async () => {
    // Independent: raw events only (no identities, features or thresholds), ranks with RANK() and
    // score = 1 + floor(5 · (rank − 1) / customers), ordering by last order day, order count, net revenue.
    // Customers: identified people (events with a user id) with at least one order; guests are not ranked.
    const expected = await selectRows<{ id: string; r: number; f: number; m: number }>(
      app.clickhouse,
      `SELECT distinct_id AS id,
         1 + intDiv(5 * (rank() OVER (ORDER BY last_day) - 1), count() OVER ()) AS r,
         1 + intDiv(5 * (rank() OVER (ORDER BY n) - 1), count() OVER ()) AS f,
         1 + intDiv(5 * (rank() OVER (ORDER BY net) - 1), count() OVER ()) AS m
       FROM (
         SELECT distinct_id, maxIf(toDate(timestamp), event = 'Order Completed') AS last_day, countIf(event = 'Order Completed') AS n,
           round(sumIf(JSONExtractFloat(properties, 'revenue'), event = 'Order Completed') - sumIf(JSONExtractFloat(properties, 'revenue'), event = 'Order Refunded'), 2) AS net
         FROM events WHERE workspace_id = {ws:String} AND event IN ('Order Completed', 'Order Refunded') AND user_id != ''
         GROUP BY distinct_id HAVING n > 0
       )`,
      { ws: ws.id },
    );
    const actual = await selectRows<{ id: string; r: number; f: number; m: number; seg: string }>(
      app.clickhouse,
      `SELECT i.distinct_id AS id, f.rfm_r AS r, f.rfm_f AS f, f.rfm_m AS m, f.rfm_segment AS seg
       FROM profile_features AS f INNER JOIN (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}) AS i ON i.profile_id = f.profile_id
       WHERE f.workspace_id = {ws:String} AND f.rfm_r > 0`,
      { ws: ws.id },
    );
    expect(expected.length).toBeGreaterThan(4_000);
    expect(actual.length).toBe(expected.length);
    const got = new Map(actual.map((a) => [a.id, a]));
    let mismatches = 0;
    const sizes = new Map<string, number>();
    for (const e of expected) {
      const a = got.get(e.id);
      if (!a || Number(a.r) !== Number(e.r) || Number(a.f) !== Number(e.f) || Number(a.m) !== Number(e.m) || a.seg !== gridName(Number(e.r), Number(e.f))) mismatches++;
      const name = gridName(Number(e.r), Number(e.f));
      sizes.set(name, (sizes.get(name) ?? 0) + 1);
    }
    expect(mismatches).toBe(0);
    // No guest checkout is ranked, and every guest order is still there (orders and revenue, unranked).
    const [guests] = await selectRows<{ ranked: string; orders: string }>(
      app.clickhouse,
      `SELECT countIf(f.rfm_r > 0) AS ranked, sum(f.orders) AS orders FROM profile_features AS f FINAL
       WHERE f.workspace_id = {ws:String} AND f.profile_id IN (SELECT profile_id FROM identities WHERE workspace_id = {ws:String} AND startsWith(distinct_id, 'guest-'))`,
      { ws: ws.id },
    );
    expect(Number(guests!.ranked)).toBe(0);
    expect(Number(guests!.orders)).toBe(loaded.guestOrders);
    console.log(`RFM segment sizes on the full data set (${expected.length} customers):\n${[...sizes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
  });

  it('counts days since the last order as of the workspace\'s as-of, not the wall clock', async () => {
    const rows = await selectRows<{ id: string; days: number; expected: number }>(
      app.clickhouse,
      `SELECT i.distinct_id AS id, f.days_since_last_order AS days, e.expected AS expected
       FROM profile_features AS f FINAL
       INNER JOIN (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}) AS i ON i.profile_id = f.profile_id
       INNER JOIN (SELECT distinct_id, dateDiff('day', max(timestamp), {asOf:DateTime64(3)}) AS expected FROM events
                   WHERE workspace_id = {ws:String} AND event = 'Order Completed' AND user_id != '' GROUP BY distinct_id) AS e ON e.distinct_id = i.distinct_id
       WHERE f.workspace_id = {ws:String} AND f.rfm_r > 0`,
      { ws: ws.id, asOf: asOf!.toISOString().replace('T', ' ').replace('Z', '') },
    );
    expect(rows.length).toBeGreaterThan(4_000);
    expect(rows.filter((r) => Number(r.days) !== Number(r.expected))).toEqual([]);
    expect(Math.max(...rows.map((r) => Number(r.days)))).toBeLessThanOrEqual(374);
  });
});
