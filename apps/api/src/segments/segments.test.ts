import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import { resolveProfileId } from '../profiles';
import { daysAgo, ingest } from '../testing/profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { identitiesOf } from '../profiles/identity';
import { chTime } from '../ingest/normalize';
import { compileCondition, membersSql } from './compile';
import { conditionSchema } from './schema';
import { createSegment, getSegment, SegmentError, updateSegment } from './store';
import { recomputeWorkspace } from './recompute';
import { refreshSegment } from './refresh';

const people = ['alice', 'bob', 'carol', 'dave'] as const;

// On the PostgreSQL server only: where the engines differ, src/stores/postgres/conformance.test.ts runs on both.
describe.each(['postgres'] as const)('segments, with %s', (postgres) => {
  let app: TestApp;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  const nameOf = new Map<string, string>();
  const pids: string[] = [];
  let ids: { ids: string[]; idPids: string[] };

  beforeAll(async () => {
    app = await createTestApp({ postgres });
    ws = await createWorkspace(app.postgres.db, 'segments');
    const shoe = [{ product_id: 'S1', name: 'Red Shoe', category: 'shoes', price: 25 }];
    await ingest(app, ws.id, [
      { type: 'identify', userId: 'alice', traits: { email: 'alice@example.com', plan: 'pro', age: 34, vip: true }, timestamp: daysAgo(60) },
      { type: 'page', userId: 'alice', name: 'Shoes', properties: { path: '/shoes', category: 'shoes' }, context: { campaign: { source: 'newsletter', medium: 'email', name: 'spring' } }, timestamp: daysAgo(2) },
      { type: 'page', userId: 'alice', name: 'Shoe', properties: { path: '/shoes/red' }, timestamp: daysAgo(1.9) },
      { type: 'track', event: 'Order Completed', userId: 'alice', properties: { revenue: 100, products: shoe }, timestamp: daysAgo(40) },
      { type: 'track', event: 'Order Completed', userId: 'alice', properties: { revenue: 50, products: shoe }, timestamp: daysAgo(20) },
      { type: 'track', event: 'Order Completed', userId: 'alice', properties: { revenue: 25, products: shoe }, timestamp: daysAgo(1) },
      { type: 'track', event: '$push_subscribed', userId: 'alice', properties: {}, timestamp: daysAgo(1) },
      { type: 'identify', userId: 'bob', traits: { email: 'bob@example.com', plan: 'free', unsubscribed: true }, timestamp: daysAgo(120) },
      { type: 'page', userId: 'bob', name: 'Home', properties: { path: '/' }, timestamp: daysAgo(100) },
      { type: 'track', event: 'Order Completed', userId: 'bob', properties: { revenue: 10 }, timestamp: daysAgo(100) },
      ...[1, 2, 3, 4, 5].map((i) => ({ type: 'page', anonymousId: 'carol-device', name: `P${i}`, properties: { path: `/p${i}` }, timestamp: daysAgo(1) })),
      { type: 'track', event: '$rage_click', anonymousId: 'carol-device', properties: {}, timestamp: daysAgo(1) },
      { type: 'identify', userId: 'dave', traits: { plan: 'pro' }, timestamp: daysAgo(300) },
      { type: 'track', event: 'Order Completed', userId: 'dave', properties: { revenue: 500, coupon: 'SUMMER' }, timestamp: daysAgo(200) },
    ]);
    for (const p of people) {
      const id = await resolveProfileId(app, ws.id, p === 'carol' ? { anonymousId: 'carol-device' } : { userId: p });
      nameOf.set(id, p);
      pids.push(id);
    }
    const links = await identitiesOf(app, ws.id, pids);
    ids = { ids: links.map((l) => l.distinct_id), idPids: links.map((l) => l.profile_id) };
    await recomputeWorkspace(app, ws.id);
  });
  afterAll(() => app?.close());

  /** Members by name, computed the full way and the real-time (scoped) way, which must agree. */
  async function members(definition: unknown): Promise<string[]> {
    const c = conditionSchema.parse(definition);
    const out: string[][] = [];
    for (const scoped of [false, true]) {
      const { sql, params } = compileCondition(c, { scoped, now: new Date() });
      const rows = await selectRows<{ profile_id: string }>(app.clickhouse, membersSql(sql, scoped), { ...params, ws: ws.id, now: chTime(Date.now()), pids, ...ids });
      out.push(rows.map((r) => nameOf.get(r.profile_id) ?? r.profile_id).sort());
    }
    expect(out[1]).toEqual(out[0]);
    return out[0]!;
  }

  it('computes RFM scores and named segments with the documented tie rule', async () => {
    const rows = await selectRows<{ profile_id: string; rfm_r: number; rfm_f: number; rfm_m: number; rfm_segment: string }>(
      app.clickhouse,
      `SELECT profile_id, rfm_r, rfm_f, rfm_m, rfm_segment FROM profile_features WHERE workspace_id = {ws:String} ORDER BY profile_id`,
      { ws: ws.id },
    );
    const by = Object.fromEntries(rows.map((r) => [nameOf.get(r.profile_id), [r.rfm_r, r.rfm_f, r.rfm_m, r.rfm_segment]]));
    // 3 customers: rank r → 1 + floor(5 (rank − 1) / 3); bob and dave tie on one order each.
    expect(by).toEqual({ alice: [4, 4, 2, 'Loyal'], bob: [2, 1, 1, 'Hibernating'], carol: [0, 0, 0, ''], dave: [1, 1, 4, 'Hibernating'] });
  });

  it('trait conditions', async () => {
    expect(await members({ type: 'trait', trait: 'plan', op: 'eq', value: 'pro' })).toEqual(['alice', 'dave']);
    expect(await members({ type: 'trait', trait: 'plan', op: 'neq', value: 'pro' })).toEqual(['bob', 'carol']);
    expect(await members({ type: 'trait', trait: 'age', op: 'gt', value: 30 })).toEqual(['alice']);
    expect(await members({ type: 'trait', trait: 'vip', op: 'eq', value: true })).toEqual(['alice']);
    expect(await members({ type: 'trait', trait: 'email', op: 'exists' })).toEqual(['alice', 'bob']);
    expect(await members({ type: 'trait', trait: 'email', op: 'not_exists' })).toEqual(['carol', 'dave']);
    expect(await members({ type: 'trait', trait: 'email', op: 'contains', value: 'BOB@' })).toEqual(['bob']);
  });

  it('feature conditions (number, text, date, list)', async () => {
    expect(await members({ type: 'feature', feature: 'orders', op: 'gte', value: 2 })).toEqual(['alice']);
    expect(await members({ type: 'feature', feature: 'net_revenue', op: 'gt', value: 100 })).toEqual(['alice', 'dave']);
    expect(await members({ type: 'feature', feature: 'page_views', op: 'eq', value: 5 })).toEqual(['carol']);
    expect(await members({ type: 'feature', feature: 'rage_clicks', op: 'gt', value: 0 })).toEqual(['carol']);
    expect(await members({ type: 'feature_text', feature: 'first_source', op: 'eq', value: 'newsletter' })).toEqual(['alice']);
    expect(await members({ type: 'feature_text', feature: 'referrer_class', op: 'eq', value: 'email' })).toEqual(['alice']);
    expect(await members({ type: 'feature_date', feature: 'last_order_at', op: 'before', value: { daysAgo: 50 } })).toEqual(['bob', 'dave']);
    expect(await members({ type: 'feature_date', feature: 'first_seen', op: 'after', value: { at: daysAgo(10) } })).toEqual(['carol']);
    expect(await members({ type: 'feature_list', feature: 'products_bought', op: 'has', value: 'Red Shoe' })).toEqual(['alice']);
    expect(await members({ type: 'feature_list', feature: 'categories_bought', op: 'not_has', value: 'shoes' })).toEqual(['bob', 'carol', 'dave']);
  });

  it('event conditions: count, property filters, windows, ever and never', async () => {
    const order = { type: 'event', event: 'Order Completed' };
    expect(await members(order)).toEqual(['alice', 'bob', 'dave']);
    expect(await members({ ...order, count: { op: 'gte', value: 2 } })).toEqual(['alice']);
    expect(await members({ ...order, count: { op: 'eq', value: 0 } })).toEqual(['carol']);
    expect(await members({ ...order, count: { op: 'lt', value: 2 } })).toEqual(['bob', 'carol', 'dave']);
    expect(await members({ ...order, within: { days: 30 }, count: { op: 'gte', value: 2 } })).toEqual(['alice']);
    expect(await members({ ...order, within: { days: 30 } })).toEqual(['alice']);
    expect(await members({ ...order, between: { from: daysAgo(250), to: daysAgo(90) } })).toEqual(['bob', 'dave']);
    expect(await members({ ...order, where: [{ property: 'coupon', op: 'eq', value: 'SUMMER' }] })).toEqual(['dave']);
    expect(await members({ ...order, where: [{ property: 'revenue', op: 'gt', value: 40 }] })).toEqual(['alice', 'dave']);
    expect(await members({ ...order, where: [{ property: 'coupon', op: 'exists' }] })).toEqual(['dave']);
    expect(await members({ type: 'last_performed', event: 'Order Completed', op: 'before', value: { daysAgo: 50 } })).toEqual(['bob', 'dave']);
    expect(await members({ type: 'last_performed', event: 'Order Completed', op: 'after', value: { daysAgo: 7 } })).toEqual(['alice']);
  });

  it('RFM, reachability, consent and random bucket conditions', async () => {
    expect(await members({ type: 'rfm_segment', segments: ['Hibernating'] })).toEqual(['bob', 'dave']);
    expect(await members({ type: 'rfm_segment', segments: ['Loyal', 'Champions'] })).toEqual(['alice']);
    expect(await members({ type: 'rfm_score', score: 'r', op: 'gte', value: 2 })).toEqual(['alice', 'bob']);
    expect(await members({ type: 'rfm_score', score: 'm', op: 'eq', value: 4 })).toEqual(['dave']);
    expect(await members({ type: 'reachable', channel: 'email' })).toEqual(['alice']);
    expect(await members({ type: 'reachable', channel: 'web_push' })).toEqual(['alice']);
    expect(await members({ type: 'reachable', channel: 'onsite' })).toEqual(['alice', 'carol']);
    expect(await members({ type: 'consent', channel: 'email', granted: false })).toEqual(['bob']);
    expect(await members({ type: 'random_bucket', from: 0, to: 99 })).toEqual([...people]);
    const low = await members({ type: 'random_bucket', salt: 'holdout', from: 0, to: 49 });
    const high = await members({ type: 'random_bucket', salt: 'holdout', from: 50, to: 99 });
    expect([...low, ...high].sort()).toEqual([...people]);
  });

  it('and / or / not and membership of another segment', async () => {
    expect(
      await members({
        type: 'and',
        conditions: [
          { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' },
          { type: 'not', condition: { type: 'reachable', channel: 'email' } },
        ],
      }),
    ).toEqual(['dave']);
    expect(await members({ type: 'or', conditions: [{ type: 'feature', feature: 'rage_clicks', op: 'gt', value: 0 }, { type: 'rfm_segment', segments: ['Loyal'] }] })).toEqual(['alice', 'carol']);
    const pro = await createSegment(app, ws.id, { name: 'Pro plan', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    await refreshSegment(app, pro);
    expect(await members({ type: 'segment', segmentId: pro.id })).toEqual(['alice', 'dave']);
    expect(await members({ type: 'segment', segmentId: pro.id, member: false })).toEqual(['bob', 'carol']);
    await expect(createSegment(app, ws.id, { name: 'Ghost', definition: { type: 'segment', segmentId: 'seg_nope' } })).rejects.toThrow(SegmentError);
    const nested = await createSegment(app, ws.id, { name: 'Nested', definition: { type: 'segment', segmentId: pro.id } });
    await expect(updateSegment(app, ws.id, pro.id, { name: 'Pro plan', definition: { type: 'segment', segmentId: nested.id } })).rejects.toThrow(/refer to themselves/);
  });

  it('emits $segment_entered / $segment_exited when an event changes membership in real time', async () => {
    const big = await createSegment(app, ws.id, { name: 'Big spenders', definition: { type: 'feature', feature: 'net_revenue', op: 'gte', value: 200 } });
    expect((await refreshSegment(app, big)).size).toBe(1); // dave, as a silent baseline
    await ingest(app, ws.id, [{ type: 'track', event: 'Order Completed', userId: 'alice', properties: { revenue: 30 } }]);
    await ingest(app, ws.id, [{ type: 'track', event: 'Order Refunded', userId: 'dave', properties: { revenue: 400 } }]);
    await app.writer.drain();
    const rows = await selectRows<{ event: string; user_id: string; properties: string }>(
      app.clickhouse,
      `SELECT event, user_id, properties FROM events WHERE workspace_id = {ws:String} AND startsWith(event, '$segment_') AND JSONExtractString(properties, 'segment_id') = {sid:String} ORDER BY event`,
      { ws: ws.id, sid: big.id },
    );
    expect(rows.map((r) => [r.event, r.user_id])).toEqual([
      ['$segment_entered', 'alice'],
      ['$segment_exited', 'dave'],
    ]);
    expect(JSON.parse(rows[0]!.properties)).toMatchObject({ segment_id: big.id, segment_name: 'Big spenders' });
    expect((await refreshSegment(app, (await getSegment(app, ws.id, big.id))!)).size).toBe(1);
  });

  it('serves segments, live size, PIE and the RFM grid over tRPC', async () => {
    const user = await createTestUser(app, [ws.id]);
    const caller = appRouter.createCaller({ app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const definition = { type: 'rfm_segment' as const, segments: ['Hibernating' as const] };
    expect(await caller.segments.estimate({ workspaceId: ws.id, definition })).toMatchObject({ size: 2 });
    const s = await caller.segments.create({ workspaceId: ws.id, name: 'Sleepers', definition });
    expect((await caller.segments.get({ workspaceId: ws.id, id: s.id })).size).toBe(2);
    await expect(caller.segments.create({ workspaceId: ws.id, name: 'Bad', definition: { type: 'feature', feature: 'password' } as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.segments.create({ workspaceId: ws.id, name: 'Sleepers', definition })).rejects.toThrow(/already exists/);
    const pie = await caller.segments.pie({ workspaceId: ws.id });
    const sleepers = pie.find((p) => p.segmentId === s.id)!;
    expect(sleepers).toMatchObject({ size: 2, shareOfProfiles: 0.5 });
    // Potential sums CLTV, which needs a fitted customer-value model: three customers are too few to fit one.
    expect(sleepers.potential).toBe(0);
    const grid = await caller.profiles.rfmGrid({ workspaceId: ws.id });
    expect(grid.cells.reduce((n, c) => n + c.profiles, 0)).toBe(3);
    const found = await caller.profiles.search({ workspaceId: ws.id, q: 'alice@example' });
    expect(found.map((f) => f.email)).toEqual(['alice@example.com']);
    const page = await caller.profiles.timeline({ workspaceId: ws.id, id: 'alice', limit: 2 });
    expect(page.items).toHaveLength(2);
    const next = await caller.profiles.timeline({ workspaceId: ws.id, id: 'alice', limit: 2, before: page.next });
    expect(next.items[0]!.at <= page.items[1]!.at).toBe(true);
    // `cursor` (what tRPC infinite queries send) pages exactly like `before`.
    expect(await caller.profiles.timeline({ workspaceId: ws.id, id: 'alice', limit: 2, cursor: page.next })).toEqual(next);
    // A comparison without a value is a 400 naming the field, not a compiler failure.
    const noValue = { type: 'and' as const, conditions: [{ type: 'trait' as const, trait: 'plan', op: 'eq' as const }] };
    await expect(caller.segments.estimate({ workspaceId: ws.id, definition: noValue })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('value is required') });
    await expect(caller.segments.estimate({ workspaceId: ws.id, definition: { ...noValue, conditions: [{ ...noValue.conditions[0], op: 'exists' as const }] } })).resolves.toMatchObject({ size: 3 });
  });
});
