import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { loadRetailCsv } from '../../demo/load-retail';
import { recomputeFeatures } from '../features';
import { selectRows } from '../../stores/clickhouse/sql';
import { expectedPurchases } from './bgnbd';
import { churnRisk, cltv, fitClvModel } from './fit';
import { customerSummaries, storedClvModel } from './store';

const dataset = join(import.meta.dirname, '../../../../../../shared/data/online-retail.csv.gz');
const day = 86_400_000;
const asOf = Date.UTC(2011, 11, 10);
const holdoutStart = Date.UTC(2011, 8, 1);

const pearson = (xs: number[], ys: number[]) => {
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};
const mae = (xs: number[], ys: number[]) => xs.reduce((s, v, i) => s + Math.abs(v - ys[i]!), 0) / xs.length;

/** Real customers only: guest checkouts (`guest-<invoice>`) are orders, not people. */
const isGuest = (distinctId: string) => distinctId.startsWith('guest-');

describe.skipIf(!existsSync(dataset))('CLTV and churn from BG/NBD + Gamma–Gamma on the full UCI Online Retail import', () => {
  let app: TestApp;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  beforeAll(async () => {
    app = await createTestApp();
    ws = await createWorkspace(app.postgres.db, 'online retail clv');
    const loaded = await loadRetailCsv(app, ws.id, dataset);
    await app.writer.drain();
    expect(loaded.lines).toBeGreaterThan(540_000);
    await recomputeFeatures(app, ws.id, asOf);
  }, 600_000);
  afterAll(() => app?.close());

  it('as of 2011-12-10: the top 1 % by net revenue sit in the top CLTV decile and no one-time buyer outranks them', async () => {
    const model = await storedClvModel(app, ws.id);
    expect(model?.asOf).toBe('2011-12-10T00:00:00.000Z');
    console.log(`fitted model: ${JSON.stringify(model)}`);
    const rows = (
      await selectRows<{ id: string; orders: number; net: number; cltv: number; churn: number | null; seg: string }>(
        app.clickhouse,
        `SELECT any(i.distinct_id) AS id, any(f.orders) AS orders, any(f.net_revenue) AS net, any(f.cltv) AS cltv, any(f.churn_risk) AS churn, any(f.rfm_segment) AS seg
         FROM profile_features AS f FINAL INNER JOIN (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}) AS i ON i.profile_id = f.profile_id
         WHERE f.workspace_id = {ws:String} AND f.orders > 0 GROUP BY f.profile_id`,
        { ws: ws.id },
      )
    )
      .filter((r) => !isGuest(r.id))
      .map((r) => ({ ...r, orders: Number(r.orders), net: Number(r.net), cltv: Number(r.cltv), churn: r.churn === null ? null : Number(r.churn) }));
    expect(rows.length).toBeGreaterThan(4_000);
    const byRevenue = [...rows].sort((p, q) => q.net - p.net);
    const byCltv = [...rows].sort((p, q) => q.cltv - p.cltv);
    const top = byRevenue.slice(0, Math.ceil(rows.length / 100));
    const decileCut = byCltv[Math.ceil(rows.length / 10) - 1]!.cltv;
    const outside = top.filter((r) => r.cltv < decileCut);
    const lowestTop = Math.min(...top.map((r) => r.cltv));
    const oneTimeAbove = rows.filter((r) => r.orders === 1 && r.cltv > lowestTop);
    console.log(`customers ${rows.length}; top 1 %: ${top.length}, outside the top CLTV decile: ${outside.map((r) => `${r.id} (£${r.net}, CLTV £${r.cltv}, churn ${r.churn?.toFixed(3)})`).join(', ') || 'none'}; one-time buyers above the lowest of them: ${oneTimeAbove.length}`);
    expect(outside).toEqual([]);
    expect(oneTimeAbove).toEqual([]);
    const c14646 = rows.find((r) => r.id === '14646');
    console.log(`14646: ${JSON.stringify(c14646)}`);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length);
    const churnBySegment = new Map<string, number[]>();
    for (const r of rows) if (r.orders >= 2 && r.churn !== null) churnBySegment.set(r.seg, [...(churnBySegment.get(r.seg) ?? []), r.churn]);
    const q = (v: number[], p: number) => [...v].sort((x, y) => x - y)[Math.floor(p * (v.length - 1))]!.toFixed(3);
    console.log(`churn risk quartiles by segment:\n${[...churnBySegment].map(([k, v]) => `  ${k}: ${q(v, 0.25)} / ${q(v, 0.5)} / ${q(v, 0.75)} / ${q(v, 0.9)}`).join('\n')}`);
    // The dashboard's bands (low < 1 %, high ≥ 10 %, `churnBands`) agree with the RFM names.
    const band = (c: number) => (c >= 0.1 ? 'high' : c >= 0.01 ? 'medium' : 'low');
    const share = (seg: string, pick: (b: string) => boolean) => (churnBySegment.get(seg) ?? []).filter((c) => pick(band(c))).length / (churnBySegment.get(seg)?.length ?? 1);
    console.log(`bands low/medium/high: ${[...churnBySegment].map(([k, v]) => `${k} ${['low', 'medium', 'high'].map((b) => v.filter((c) => band(c) === b).length).join('/')}`).join('; ')}`);
    expect(share('Champions', (b) => b === 'low')).toBeGreaterThan(0.95);
    expect(share('At Risk', (b) => b !== 'low')).toBeGreaterThan(0.8);
    expect(share("Can't Lose", (b) => b !== 'low')).toBeGreaterThan(0.8);
    console.log(`16253: ${JSON.stringify(rows.find((r) => r.id === '16253'))}`);
    console.log(`mean churn risk of repeat customers by RFM segment:\n${[...churnBySegment].map(([k, v]) => `  ${k}: ${mean(v).toFixed(3)} (${v.length})`).join('\n')}`);
    // Churn risk agrees with the RFM names: recent segments are at lower risk than lapsed ones.
    for (const recent of ['Champions', 'Loyal', 'Potential Loyalist']) for (const lapsed of ['At Risk', 'Hibernating', "Can't Lose"]) {
      expect(mean(churnBySegment.get(recent) ?? [0])).toBeLessThan(mean(churnBySegment.get(lapsed) ?? [1]));
    }
  });

  it('the SQL evaluation equals the TypeScript model for every customer', async () => {
    const model = (await storedClvModel(app, ws.id))!;
    const summaries = await customerSummaries(app, ws.id, asOf, 1_000_000);
    const stored = new Map(
      (
        await selectRows<{ pid: string; cltv: number; churn: number | null }>(
          app.clickhouse,
          `SELECT profile_id AS pid, cltv, churn_risk AS churn FROM profile_features FINAL WHERE workspace_id = {ws:String} AND orders > 0`,
          { ws: ws.id },
        )
      ).map((r) => [r.pid, r]),
    );
    let worst = 0;
    for (const s of summaries) {
      const row = stored.get(s.profileId)!;
      expect(Number(row.churn)).toBeCloseTo(churnRisk(model, s), 6);
      const expected = cltv(model, s);
      worst = Math.max(worst, Math.abs(Number(row.cltv) - expected) / Math.max(1, expected));
    }
    console.log(`largest relative CLTV difference SQL vs TypeScript over ${summaries.length} customers: ${worst}`);
    expect(worst).toBeLessThan(1e-3);
  });

  it('holdout: fitted before 2011-09-01, predicts purchases to 2011-12-09 better than "same as the previous period"', async () => {
    const guests = new Set(
      (
        await selectRows<{ pid: string }>(app.clickhouse, `SELECT profile_id AS pid FROM identities WHERE workspace_id = {ws:String} AND startsWith(distinct_id, 'guest-')`, { ws: ws.id })
      ).map((r) => r.pid),
    );
    const training = (await customerSummaries(app, ws.id, holdoutStart, 1_000_000)).filter((c) => !guests.has(c.profileId));
    const model = fitClvModel(training)!;
    const horizonDays = (asOf - holdoutStart) / day;
    const counts = await selectRows<{ pid: string; actual: number; previous: number }>(
      app.clickhouse,
      `SELECT i.profile_id AS pid, countIf(e.timestamp >= {start:DateTime64(3)} AND e.timestamp < {end:DateTime64(3)}) AS actual,
         countIf(e.timestamp >= {previous:DateTime64(3)} AND e.timestamp < {start:DateTime64(3)}) AS previous
       FROM events AS e INNER JOIN (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}) AS i ON i.distinct_id = e.distinct_id
       WHERE e.workspace_id = {ws:String} AND e.event = 'Order Completed' GROUP BY pid`,
      { ws: ws.id, start: '2011-09-01 00:00:00.000', end: '2011-12-10 00:00:00.000', previous: new Date(holdoutStart - horizonDays * day).toISOString().replace('T', ' ').slice(0, 23) },
    );
    const byProfile = new Map(counts.map((c) => [c.pid, c]));
    const predicted: number[] = [];
    const actual: number[] = [];
    const naive: number[] = [];
    for (const c of training) {
      const k = byProfile.get(c.profileId);
      predicted.push(expectedPurchases(model.bgnbd, c, horizonDays));
      actual.push(Number(k?.actual ?? 0));
      naive.push(Number(k?.previous ?? 0));
    }
    const report = {
      customers: training.length,
      model: model.bgnbd,
      correlation: pearson(predicted, actual),
      naiveCorrelation: pearson(naive, actual),
      mae: mae(predicted, actual),
      naiveMae: mae(naive, actual),
      predictedTotal: predicted.reduce((s, v) => s + v, 0),
      actualTotal: actual.reduce((s, v) => s + v, 0),
    };
    console.log(`holdout 2011-09-01..2011-12-09: ${JSON.stringify(report)}`);
    // The model ranks customers better than the naive baseline; on error per customer it ties with it
    // (no seasonality: it misses the November peak), so it must stay within 2 % of it.
    expect(report.correlation).toBeGreaterThan(report.naiveCorrelation);
    expect(report.mae).toBeLessThan(report.naiveMae * 1.02);
    expect(report.correlation).toBeGreaterThan(0.5);
  });
});
