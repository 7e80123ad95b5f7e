import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { insertRows, selectRows } from '../stores/clickhouse/sql';
import { recomputeFeatures, refreshProfileFeatures, resolveProfileId } from './index';
import { daysAgo, ingest } from '../testing/profiles';

// Every feature the events fold into, on a hand-made history whose values are counted by hand: the
// real-time path (a few profiles) and the full pass over the workspace must both give them.
const session = (pages: number) => ({ sessionId: 's1', session: { id: 's1', pages } });
const shopper = [
  { type: 'identify', userId: 'ann', traits: { email: 'ann@example.com', plan: 'pro' }, timestamp: daysAgo(40) },
  { type: 'page', userId: 'ann', properties: { path: '/a' }, context: { ...session(1), campaign: { source: 'news', medium: 'email', name: 'spring' } }, timestamp: daysAgo(30) },
  { type: 'page', userId: 'ann', properties: { path: '/b' }, context: { ...session(2), campaign: { source: 'google', medium: 'cpc', name: 'brand' } }, timestamp: daysAgo(20) },
  { type: 'track', event: '$scroll', userId: 'ann', properties: { depth: 50 }, context: session(1), timestamp: daysAgo(30) },
  { type: 'track', event: '$pageleave', userId: 'ann', properties: { engaged_ms: 30_000, max_scroll: 80 }, context: session(1), timestamp: daysAgo(30) },
  { type: 'track', event: '$scroll', userId: 'ann', properties: { depth: 25 }, context: session(2), timestamp: daysAgo(20) },
  { type: 'track', event: '$pageleave', userId: 'ann', properties: { engaged_ms: 15_000 }, context: session(2), timestamp: daysAgo(20) },
  { type: 'track', event: '$form_interaction', userId: 'ann', properties: { action: 'abandon' }, timestamp: daysAgo(20) },
  { type: 'track', event: '$form_interaction', userId: 'ann', properties: { action: 'abandon' }, timestamp: daysAgo(19) },
  { type: 'track', event: '$form_interaction', userId: 'ann', properties: { action: 'submit' }, timestamp: daysAgo(19) },
  { type: 'track', event: '$rage_click', userId: 'ann', properties: {}, timestamp: daysAgo(19) },
  {
    type: 'track', event: 'Order Completed', userId: 'ann', timestamp: daysAgo(10),
    properties: { revenue: 100, products: [{ product_id: 'p1', name: 'Red Shoe', category: 'shoes' }, { product_id: 'p2', category: 'hats' }] },
  },
  { type: 'track', event: 'Order Completed', userId: 'ann', timestamp: daysAgo(5), properties: { revenue: 50.5, products: [{ product_id: 'p3', name: '', category: '' }] } },
  { type: 'track', event: 'Order Refunded', userId: 'ann', timestamp: daysAgo(4), properties: { revenue: 30 } },
  { type: 'track', event: '$push_subscribed', userId: 'ann', properties: {}, timestamp: daysAgo(3) },
  { type: 'track', event: '$push_subscribed', userId: 'ann', properties: {}, timestamp: daysAgo(3) },
  { type: 'track', event: '$push_unsubscribed', userId: 'ann', properties: {}, timestamp: daysAgo(2) },
];
// Someone with page views only: every order and engagement feature is its empty value.
const browser = [1, 2, 3].map((k) => ({ type: 'page', anonymousId: 'bob-device', properties: { path: `/p${k}` }, timestamp: daysAgo(k) }));

const expected = {
  ann: {
    event_count: 17, page_views: 2, rage_clicks: 1, form_abandons: 2, engaged_seconds: 45, avg_scroll_depth: (80 + 25) / 2,
    orders: 2, revenue: 150.5, refunds: 30, net_revenue: 120.5, avg_order_value: 75.25,
    products_bought: ['Red Shoe', 'p2', 'p3'], categories_bought: ['hats', 'shoes'],
    first_source: 'news', first_medium: 'email', last_source: 'google', last_campaign: 'brand', referrer_class: 'email',
    email: 'ann@example.com', email_consent: 1, push_subscriptions: 1,
  },
  bob: {
    event_count: 3, page_views: 3, rage_clicks: 0, form_abandons: 0, engaged_seconds: 0, avg_scroll_depth: 0,
    orders: 0, revenue: 0, refunds: 0, net_revenue: 0, avg_order_value: 0, products_bought: [], categories_bought: [],
    first_source: '', first_medium: '', last_source: '', last_campaign: '', referrer_class: 'direct',
    email: '', email_consent: 0, push_subscriptions: 0,
  },
};

describe('profile features', () => {
  let app: TestApp;
  let ws: string;
  const profileIds = async () => ({ ann: await resolveProfileId(app, ws, { userId: 'ann' }), bob: await resolveProfileId(app, ws, { anonymousId: 'bob-device' }) });
  const features = async () => {
    const ids = await profileIds();
    const rows = await selectRows<Record<string, unknown>>(
      app.clickhouse,
      `SELECT profile_id, ${Object.keys(expected.ann).join(', ')} FROM profile_features WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)}`,
      { ws, pids: Object.values(ids) },
    );
    const of = (pid: string) => {
      const { profile_id: _, ...row } = rows.find((r) => r.profile_id === pid)!;
      for (const k of ['products_bought', 'categories_bought']) row[k] = (row[k] as string[]).toSorted();
      for (const [k, v] of Object.entries(row)) if (typeof v === 'string' && /^-?\d+$/.test(v) && k !== 'email') row[k] = Number(v);
      return row;
    };
    return { ann: of(ids.ann), bob: of(ids.bob) };
  };

  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'features')).id;
    await ingest(app, ws, [...shopper, ...browser]);
    // A retried write of one order, stored again under its messageId (as two processes racing would):
    // one event, counted once.
    const [order] = await selectRows<{ message_id: string }>(
      app.clickhouse,
      `SELECT message_id FROM events WHERE workspace_id = {ws:String} AND event = 'Order Completed' ORDER BY timestamp LIMIT 1`,
      { ws },
    );
    const again = normalizeEvent({ ...shopper[11], messageId: order!.message_id } as IncomingEvent, { workspaceId: ws, receivedAt: Date.now() });
    await insertRows(app.clickhouse, 'events', [again]);
  }, 120_000);
  afterAll(() => app?.close());

  it('folds events into every feature on the real-time path', async () => {
    await refreshProfileFeatures(app, ws, Object.values(await profileIds()));
    expect(await features()).toEqual(expected);
  });

  it('gives the same features from a full pass over the workspace, and leaves none of its working tables behind', async () => {
    const passTables = async () => (await selectRows<{ name: string }>(app.clickhouse, `SELECT name FROM system.tables WHERE startsWith(name, 'features_pass_')`)).map((r) => r.name);
    const before = await passTables();
    await recomputeFeatures(app, ws);
    expect(await features()).toEqual(expected);
    expect(await passTables()).toEqual(before);
  });
});
