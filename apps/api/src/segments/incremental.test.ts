import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { erasePerson } from '../erasers';
import { setAsOf } from '../workspaces';
import { chTime, selectRows } from '../stores/clickhouse/sql';
import { recomputeFeatures, refreshChangedFeatures, resolveProfileId } from '../profiles';
import { resolveLinks } from '../profiles/identity';
import { profileMark, saveBackfillMark } from '../profiles/traits';
import { compileCondition, membersSql } from './compile';
import { createSegment, listSegments } from './store';
import { recomputeWorkspace } from './recompute';
import type { SegmentDraft } from './schema';

// Time-relative features are computed as of this instant in both passes (the workspace's stored as-of).
const asOf = new Date('2026-03-01T00:00:00.000Z');
const daysBefore = (n: number) => new Date(asOf.getTime() - n * 86_400_000).toISOString();

const segments: SegmentDraft[] = [
  { name: 'Big spenders', description: '', definition: { type: 'feature', feature: 'net_revenue', op: 'gte', value: 300 } },
  { name: 'Top monetary', description: '', definition: { type: 'rfm_score', score: 'm', op: 'gte', value: 4 } },
  { name: 'Champions', description: '', definition: { type: 'rfm_segment', segments: ['Champions', 'Loyal'] } },
  { name: 'Browsers', description: '', definition: { type: 'feature', feature: 'page_views', op: 'gte', value: 3 } },
];

type Snapshot = { features: Map<string, string>; members: Set<string> };

describe('incremental feature pass', () => {
  let app: TestApp;
  let ws: string;
  const pidOf = async (userId: string) => resolveProfileId(app, ws, { userId });

  /** Stores events as an import does: no real-time step sees them, only the scheduled passes. */
  async function store(events: Array<Record<string, unknown>>): Promise<void> {
    const rows = events.map((e) => normalizeEvent({ messageId: randomUUID(), ...e } as IncomingEvent, { workspaceId: ws, receivedAt: Date.now() }));
    await app.writer.write(rows);
  }

  const order = (userId: string, revenue: number, days: number) => ({ type: 'track', event: 'Order Completed', userId, properties: { revenue, products: [{ product_id: `p${revenue}`, category: 'c1' }] }, timestamp: daysBefore(days) });

  /**
   * Every stored feature but the time of computation, and who each segment's definition selects now.
   * The passes under test write no events (segment transitions do, and would count as activity).
   */
  async function snapshot(): Promise<Snapshot> {
    const rows = await selectRows<Record<string, unknown>>(
      app.clickhouse,
      `SELECT * EXCEPT (workspace_id, computed_at) FROM profile_features WHERE workspace_id = {ws:String} ORDER BY profile_id`,
      { ws },
    );
    const members = new Set<string>();
    for (const s of await listSegments(app, ws)) {
      const c = compileCondition(s.definition, { scoped: false, now: asOf, asOf });
      const found = await selectRows<{ profile_id: string }>(app.clickhouse, membersSql(c.sql, false), { ...c.params, ws, now: chTime(asOf) });
      for (const m of found) members.add(`${s.name}/${m.profile_id}`);
    }
    return { features: new Map(rows.map((r) => [String(r.profile_id), JSON.stringify(r)])), members };
  }

  let stale: Snapshot;
  let incremental: Snapshot;
  let full: Snapshot;
  let touched: string[];
  let passes: string[];

  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'incremental')).id;
    await setAsOf(app.postgres.db, ws, asOf);
    const customers = Array.from({ length: 10 }, (_, i) => `c${i}`);
    await store([
      ...customers.map((u) => ({ type: 'identify', userId: u, traits: { email: `${u}@example.com` }, timestamp: daysBefore(200) })),
      ...customers.flatMap((u, i) => Array.from({ length: 1 + (i % 4) }, (_, k) => order(u, 20 + 15 * i + k, 5 + 9 * i + k))),
      ...[1, 2].map((k) => ({ type: 'page', anonymousId: 'device-x', properties: { path: `/p${k}` }, timestamp: daysBefore(3 + k) })),
      order('c9', 1, 400),
    ]);
    // device-x also ordered as a guest; it is merged into c2 below.
    await store([{ type: 'track', event: 'Order Completed', anonymousId: 'device-x', properties: { revenue: 400 }, timestamp: daysBefore(4) }]);
    await app.writer.drain();
    for (const s of segments) await createSegment(app, ws, s);
    passes = [(await recomputeWorkspace(app, ws, 'scheduled')).pass];
    await recomputeWorkspace(app, ws, 'full');

    // Changes: new events (c1 buys big and browses; two new low-spending customers shift everyone's
    // ranks), an identity merge (device-x proven to be c2) and an erasure (c7).
    await store([
      order('c1', 500, 1),
      ...[1, 2, 3].map((k) => ({ type: 'page', userId: 'c1', properties: { path: `/n${k}` }, timestamp: daysBefore(1) })),
      order('n1', 2, 2),
      order('n2', 3, 2),
    ]);
    await app.writer.drain();
    const merged = await resolveLinks(app, ws, [{ userId: 'c2', anonymousId: 'device-x', messageId: randomUUID() }]);
    expect(merged.merges).toHaveLength(1);
    await erasePerson(app, ws, 'c7', 'test');
    touched = [await pidOf('c1'), await pidOf('c2')];

    stale = await snapshot();
    passes.push((await refreshChangedFeatures(app, ws, asOf.getTime())).pass);
    incremental = await snapshot();
    passes.push((await recomputeFeatures(app, ws, asOf.getTime())).pass);
    full = await snapshot();
  }, 300_000);
  afterAll(() => app?.close());

  it('runs a full pass when none ran yet, then an incremental one', () => {
    expect(passes).toEqual(['full', 'incremental', 'full']);
  });

  it('gives the same features, RFM scores and segment memberships as a full pass', () => {
    expect([...incremental.features.keys()].sort()).toEqual([...full.features.keys()].sort());
    for (const [pid, row] of full.features) expect(incremental.features.get(pid), pid).toBe(row);
    expect([...incremental.members].sort()).toEqual([...full.members].sort());
  });

  it('is not vacuous: every touched profile, and ranks of untouched ones, differ from before the pass', async () => {
    // Skipping any touched profile would leave its stale row, which the full pass does not have.
    for (const pid of touched) expect(stale.features.get(pid), pid).not.toBe(full.features.get(pid));
    for (const u of ['n1', 'n2']) {
      const pid = await pidOf(u);
      expect(stale.features.has(pid)).toBe(false);
      expect(full.features.has(pid)).toBe(true);
    }
    const rescored = [...full.features.keys()].filter((pid) => !touched.includes(pid) && stale.features.has(pid) && stale.features.get(pid) !== full.features.get(pid));
    expect(rescored.length).toBeGreaterThan(0);
    expect([...stale.members].sort()).not.toEqual([...full.members].sort());
    const c2 = JSON.parse(full.features.get(touched[1]!)!) as { orders: number; page_views: number };
    expect([c2.orders, c2.page_views]).toEqual([4, 2]);
  });

  it('keeps materialised memberships equal to a full refresh after an incremental recompute', async () => {
    const materialised = async () => {
      const names = new Map((await listSegments(app, ws)).map((s) => [s.id, s.name]));
      const rows = await selectRows<{ segment_id: string; profile_id: string }>(
        app.clickhouse,
        `SELECT segment_id, profile_id FROM segment_members WHERE workspace_id = {ws:String} AND is_member = 1`,
        { ws },
      );
      return rows.map((r) => `${names.get(r.segment_id)}/${r.profile_id}`).sort();
    };
    await recomputeWorkspace(app, ws, 'full');
    // The pass under test reads only what arrives from here on (as if the last pass ran long ago: no
    // overlap re-reads the full refresh's own transition events), so the new orders alone touch it.
    await app.writer.drain();
    await saveBackfillMark(app, ws, Date.now() + 15 * 60_000, (await profileMark(app, ws)).fullAt);
    const before = await materialised();
    // c3 becomes a big spender; two new customers re-rank untouched ones (the RFM segments).
    await store([order('c3', 900, 1), order('n3', 1, 1), order('n4', 1, 1)]);
    await app.writer.drain();
    const pass = await recomputeWorkspace(app, ws, 'incremental');
    expect([pass.pass, pass.profiles]).toEqual(['incremental', 3]);
    const after = await materialised();
    expect(after).toEqual([...(await snapshot()).members].sort());
    expect(after).toContain(`Big spenders/${await pidOf('c3')}`);
    // Not vacuous: some profile without new events entered or left a segment (re-ranked).
    const buyers = await Promise.all(['c3', 'n3', 'n4'].map(pidOf));
    const changed = [...after.filter((m) => !before.includes(m)), ...before.filter((m) => !after.includes(m))];
    expect(changed.filter((m) => !buyers.some((p) => m.endsWith(`/${p}`))).length).toBeGreaterThan(0);
  });
});
