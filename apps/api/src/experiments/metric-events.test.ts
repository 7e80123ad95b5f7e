import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '@overture/stats';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { recordOutcomes } from '../channels';
import { selectRows } from '../stores/clickhouse/sql';
import { createExperiment, readoutOf, variantSums, type Experiment } from '.';
import type { Metric } from './definition';

// Real stores: people on one or two devices, some of whose profiles merge, get exposed, order, browse
// and unsubscribe; the readout's sums from the narrow write-time copy must equal the sums read from
// the raw events.
const hour = 3_600_000;
const t0 = Date.parse('2026-03-02T10:00:00Z');
const bot = { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' };

const metrics: Metric[] = [
  { kind: 'conversion', name: 'Ordered', event: 'Order Completed', windowHours: 72 },
  { kind: 'revenue', name: 'Revenue', windowHours: 48 },
  { kind: 'count', name: 'Product views', event: 'Product Viewed', windowHours: 24 },
  // Filtered on a property: read from the raw events on both paths.
  { kind: 'count', name: 'Shoe views', event: 'Product Viewed', filter: { property: 'category', equals: 'shoes' }, windowHours: 72 },
  { kind: 'conversion', name: 'Signed up', event: 'Signed Up', windowHours: 96 },
  { kind: 'guardrail', name: 'Unsubscribes', outcome: 'unsubscribe', windowHours: 96 },
];

describe('experiment metric events (narrow copy) on real stores', () => {
  let app: TestApp;
  let workspaceId: string;
  let experiment: Experiment;
  const people = 240;

  beforeAll(async () => {
    app = await createTestApp();
    workspaceId = (await createWorkspace(app.postgres.db, 'metric-events')).id;
    experiment = await createExperiment(app.postgres.db, workspaceId, { key: 'narrow', name: 'narrow', kind: 'message', variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }], metrics });
    const random = seededRandom(7);
    const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const at = (base: number) => new Date(base + Math.round((random() * 200 - 90) * hour)).toISOString();
    const exposure = (anonymousId: string, when: number) => ({ type: 'track', event: '$experiment_exposure', anonymousId, timestamp: new Date(when).toISOString(), properties: { experiment: 'narrow', variant: pick(['A', 'B']) } });
    const activity = (ids: Record<string, string>, base: number) =>
      Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const r = random();
        if (r < 0.35) return { type: 'track', event: 'Order Completed', ...ids, timestamp: at(base), properties: { revenue: pick([10, 12.5, 30.25]) } };
        if (r < 0.75) return { type: 'track', event: 'Product Viewed', ...ids, timestamp: at(base), properties: { category: pick(['shoes', 'bags']) } };
        if (r < 0.85) return { type: 'track', event: 'Signed Up', ...ids, timestamp: at(base) };
        if (r < 0.95) return { type: 'page', name: 'Product Viewed', ...ids, timestamp: at(base), properties: { category: 'shoes' } };
        // Automated traffic never counts.
        return { type: 'track', event: 'Order Completed', ...ids, timestamp: at(base), properties: { revenue: 1000 }, context: bot };
      });

    const first: Array<Record<string, unknown>> = [];
    const identify: Array<Record<string, unknown>> = [];
    const second: Array<Record<string, unknown>> = [];
    const merge: Array<Record<string, unknown>> = [];
    const later: Array<Record<string, unknown>> = [];
    const twoDevices: number[] = [];
    for (let i = 0; i < people; i++) {
      const base = t0 + Math.floor(random() * 48) * hour;
      // A fifth never exposed on their first device: their events must not count unless a second device was exposed.
      if (i % 5 !== 4) first.push(exposure(`a${i}`, base));
      first.push(...activity({ anonymousId: `a${i}` }, base));
      if (i % 3 === 0) {
        identify.push({ type: 'identify', userId: `u${i}`, anonymousId: `a${i}`, traits: {} });
        later.push(...activity({ userId: `u${i}` }, base));
        if (i % 2 === 0) {
          // A second device, exposed on its own (maybe to the other variant, maybe earlier), then merged.
          twoDevices.push(i);
          const other = base + Math.round((random() * 40 - 20) * hour);
          second.push(exposure(`b${i}`, other), ...activity({ anonymousId: `b${i}` }, other));
          merge.push({ type: 'track', event: 'Signed In', userId: `u${i}`, anonymousId: `b${i}`, timestamp: new Date(other).toISOString() });
        }
      }
    }
    for (const batch of [first, identify, second, merge, later]) await ingest(app, workspaceId, batch);
    // A retried batch: the same message ids again, stored twice and counted once.
    const retried = first.filter((e) => e.event === 'Order Completed').slice(0, 20).map((e, i) => ({ ...e, messageId: `retry-${i}` }));
    await ingest(app, workspaceId, retried);
    await ingest(app, workspaceId, retried);

    const profiles = await Promise.all(Array.from({ length: people }, (_, i) => resolveProfileId(app, workspaceId, { anonymousId: `a${i}` })));
    // The merges happened: each second device now resolves to its person's profile.
    for (const i of twoDevices) expect(await resolveProfileId(app, workspaceId, { anonymousId: `b${i}` })).toBe(profiles[i]);
    await recordOutcomes(
      app,
      profiles.flatMap((profileId, i) => (random() < 0.3 ? [{ workspaceId, messageId: `m${i}`, profileId, channel: 'email', kind: 'unsubscribe' as const, at: new Date(t0 + Math.round((random() * 200 - 60) * hour)) }] : [])),
    );
  });
  afterAll(() => app?.close());
  afterEach(() => vi.useRealTimers());

  it('holds every named, non-bot event once, with its revenue', async () => {
    const q = (table: string) =>
      selectRows<{ n: string; revenue: number }>(app.clickhouse, `SELECT count() AS n, sum(revenue) AS revenue FROM (SELECT ${table === 'events' ? "if(event = 'Order Completed', JSONExtractFloat(properties, 'revenue'), 0)" : 'revenue'} AS revenue FROM ${table} FINAL WHERE workspace_id = {ws:String}${table === 'events' ? " AND is_bot = 0 AND event != ''" : ''})`, { ws: workspaceId });
    const [narrow] = await q('experiment_metric_events');
    const [raw] = await q('events');
    expect(Number(narrow!.n)).toBeGreaterThan(people);
    expect(narrow).toEqual(raw);
  });

  it('gives the same sums as the raw events, across merged profiles, for every kind of metric', async () => {
    const narrow = await variantSums(app.clickhouse, workspaceId, experiment.key, metrics, 'narrow');
    const raw = await variantSums(app.clickhouse, workspaceId, experiment.key, metrics, 'raw');
    const byVariant = (s: typeof narrow) => [...s].sort((a, b) => a.variant.localeCompare(b.variant));
    expect(byVariant(narrow)).toEqual(byVariant(raw));
    // People, not devices: every exposed person once, a merged one in the variant of their first exposure.
    const exposedPeople = Array.from({ length: people }, (_, i) => i).filter((i) => i % 5 !== 4 || (i % 3 === 0 && i % 2 === 0)).length;
    expect(narrow.reduce((s, v) => s + v.n, 0)).toBe(exposedPeople);
    // Every metric saw something in each variant, before and after exposure, so the comparison means something.
    for (const v of narrow) for (const m of v.metrics) expect([m.sum, m.preSum].every((x) => x > 0)).toBe(true);
  });

  it('serves a cached readout with its as-of time until it expires or is refreshed', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const first = await readoutOf(app, workspaceId, experiment);
    const orders = (r: typeof first) => r.readout.metrics[0]!.variants.map((v) => v.value);
    // An order an hour after the exposure of people on one device who never ordered: visible only once recomputed.
    const ordered = new Set((await selectRows<{ d: string }>(app.clickhouse, `SELECT DISTINCT distinct_id AS d FROM events WHERE workspace_id = {ws:String} AND event = 'Order Completed'`, { ws: workspaceId })).map((r) => r.d));
    const exposures = await selectRows<{ d: string; t: string }>(app.clickhouse, `SELECT distinct_id AS d, toString(min(exposed_at)) AS t FROM experiment_exposures WHERE workspace_id = {ws:String} GROUP BY d`, { ws: workspaceId });
    const buyers = exposures.filter((x) => /^a\d+$/.test(x.d) && Number(x.d.slice(1)) % 3 !== 0 && !ordered.has(x.d)).slice(0, 3);
    expect(buyers.length).toBeGreaterThan(0);
    await ingest(app, workspaceId, buyers.map((x) => ({ type: 'track', event: 'Order Completed', anonymousId: x.d, timestamp: new Date(Date.parse(`${x.t.replace(' ', 'T')}Z`) + hour).toISOString(), properties: { revenue: 10 } })));

    vi.setSystemTime(Date.now() + 30_000);
    const cached = await readoutOf(app, workspaceId, experiment);
    expect(cached.asOf).toBe(first.asOf);
    expect(orders(cached)).toEqual(orders(first));

    const refreshed = await readoutOf(app, workspaceId, experiment, { refresh: true });
    expect(Date.parse(refreshed.asOf)).toBe(Date.now());
    expect(orders(refreshed).reduce((s, x) => s + x, 0)).toBeGreaterThan(orders(first).reduce((s, x) => s + x, 0));

    // The TTL bounds how stale a readout gets without a refresh.
    vi.setSystemTime(Date.now() + 30_000);
    expect((await readoutOf(app, workspaceId, experiment)).asOf).toBe(refreshed.asOf);
    vi.setSystemTime(Date.now() + 31_000);
    expect(Date.parse((await readoutOf(app, workspaceId, experiment)).asOf)).toBe(Date.now());

    // A changed metric is a different readout: never served from the old entry.
    const changed = await readoutOf(app, workspaceId, { ...experiment, metrics: metrics.slice(0, 2) });
    expect(changed.readout.metrics).toHaveLength(2);
  });
});
