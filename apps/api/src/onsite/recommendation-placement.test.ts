import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '../testing';
import { appRouter } from '../trpc/root';
import { ingest } from '../testing/profiles';
import { upsertFeedProducts, type FeedProduct } from '../catalog';
import { buildModel, flushRecommendationImpressions, forgetModel, liveModel, recommendationMetrics } from '../recommendations';
import { savePlacement, type PlacementError } from './index';
import { decide } from './decide';

const day = 86_400_000;
const now = Date.parse('2026-03-01T12:00:00Z');
const at = (daysBefore: number) => new Date(now - daysBefore * day).toISOString();

// Tents go with sleeping bags and stoves; the newcomer bought only a tent.
const catalog: FeedProduct[] = [
  { product_id: 'tent', name: 'Tent', category: 'camping', availability: 'in_stock', price: 200, url: 'https://shop.example/p/tent', image_url: 'https://shop.example/i/tent.jpg' },
  { product_id: 'bag', name: 'Sleeping bag', category: 'camping', availability: 'in_stock', price: 80, url: 'https://shop.example/p/bag?color=red' },
  { product_id: 'stove', name: 'Stove', category: 'camping', availability: 'in_stock', price: 40, url: 'https://shop.example/p/stove' },
  { product_id: 'mug', name: 'Mug <b>', category: 'kitchen', availability: 'in_stock', price: 9, url: 'https://shop.example/p/mug' },
];
const order = (userId: string, daysBefore: number, ids: string[]) => ({
  type: 'track', event: 'Order Completed', userId, timestamp: at(daysBefore), messageId: `o-${userId}-${daysBefore}`,
  properties: { products: ids.map((product_id) => ({ product_id, quantity: 1 })) },
});

describe('a Recommendations placement in /v1/decide', () => {
  let app: TestApp;
  let ws: string;
  const url = new URL('https://shop.example/p/tent');
  const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'recs-onsite')).id;
    await upsertFeedProducts(app.clickhouse, ws, catalog, now - 30 * day);
    await ingest(app, ws, [
      order('c1', 40, ['tent', 'bag', 'stove']), order('c2', 35, ['tent', 'bag']), order('c3', 30, ['tent', 'stove']), order('c4', 20, ['bag', 'stove']),
      order('m1', 10, ['mug']), order('new', 1, ['tent']),
    ]);
    await app.writer.drain();
    await buildModel(app, ws, { untilMs: now });
    forgetModel(app, ws);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is refused on a CTA swap, naming the field, and needs no content of its own', async () => {
    await expect(savePlacement(app, ws, { name: 'cta recs', kind: 'cta', target: '#buy', content: 'Buy', recommendations: { strategy: 'for_you' } })).rejects.toMatchObject({ field: 'recommendations' } satisfies Partial<PlacementError>);
    await expect(savePlacement(app, ws, { name: 'bad strategy', kind: 'inline', target: 'recs', recommendations: { strategy: 'nope' } })).rejects.toMatchObject({ field: 'recommendations.strategy' });
  });

  it("fills the slot with the visitor's block from the model in memory, never waiting for it", async () => {
    const p = await savePlacement(app, ws, { name: 'For you', kind: 'inline', target: 'recs', recommendations: { strategy: 'for_you', limit: 2, title: 'Picked for you' } });
    expect(p.recommendations).toEqual({ strategy: 'for_you', limit: 2, title: 'Picked for you' });
    // No model in this process yet: decide answers without the block rather than wait on ClickHouse...
    expect((await decide(app, { workspaceId: ws, userId: 'new', url, budgetMs: 10_000 })).placements).toEqual([]);
    await liveModel(app, ws); // ...and the load it started is what the next page view reads.
    const [d] = (await decide(app, { workspaceId: ws, userId: 'new', url, budgetMs: 10_000 })).placements;
    expect(d).toMatchObject({ id: p.id, kind: 'inline', target: 'recs' });
    expect(d!.html).toContain('Picked for you');
    const links = hrefs(d!.html!);
    expect(links.map((h) => new URL(h).pathname).sort()).toEqual(['/p/bag', '/p/stove']);
    // Every link carries the same recommendation id (strategy + short id); the product URL's own query stays.
    const recIds = new Set(links.map((h) => new URL(h).searchParams.get('rec')));
    expect(recIds.size).toBe(1);
    expect([...recIds][0]).toMatch(/^for_you\.[\w-]{8}$/);
    expect(new URL(links.find((h) => h.includes('/p/bag'))!).searchParams.get('color')).toBe('red');
    expect(d!.html).not.toContain('/p/tent'); // bought already: for_you is about discovery
    // The block served counts as an impression of its strategy and placement.
    await flushRecommendationImpressions(app);
    const metrics = await recommendationMetrics(app, ws, { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 3_600_000 });
    expect(metrics.find((m) => m.source_id === p.id)).toMatchObject({ strategy: 'for_you', source_kind: 'placement', impressions: 1, clicks: 0 });
  });

  it("reports the placement's impressions by name through the dashboard router", async () => {
    const user = await createTestUser(app, [ws]);
    const caller = appRouter.createCaller({ app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const online = await caller.recommendations.online({ workspaceId: ws, days: 1 });
    expect(online.windowDays).toBe(7);
    expect(online.rows).toEqual([expect.objectContaining({ strategy: 'for_you', source_kind: 'placement', source_name: 'For you', impressions: 1, clicks: 0, ctr: 0, orders: 0, revenue: 0 })]);
  });

  it("starts bought_together from the page's product, and falls back without one", async () => {
    const p = await savePlacement(app, ws, { name: 'Goes with', kind: 'slide_in', recommendations: { strategy: 'bought_together', limit: 4 } });
    const visitor = { workspaceId: ws, anonymousId: 'someone-new', url, budgetMs: 10_000 };
    const withProduct = (await decide(app, { ...visitor, productId: 'tent' })).placements.find((x) => x.id === p.id)!;
    const paths = hrefs(withProduct.html!).map((h) => new URL(h).pathname);
    expect(paths.slice(0, 2).sort()).toEqual(['/p/bag', '/p/stove']);
    expect(paths).not.toContain('/p/tent'); // the page's own product
    const without = (await decide(app, { ...visitor })).placements.find((x) => x.id === p.id)!;
    expect(hrefs(without.html!)).toHaveLength(4); // best sellers fill it: never an empty block
    expect(without.html).toContain('Mug &lt;b&gt;'); // names are escaped text, not markup
  });

  it('renders a Liquid placement that reads recommendations for each visitor, never from another visitor\'s cache', async () => {
    const p = await savePlacement(app, ws, { name: 'Liquid recs', kind: 'inline', target: 'liquid-recs', content: '<p>{% for p in recommendations.for_you limit: 2 %}{{ p.name }};{% endfor %}</p>' });
    const html = async (userId: string) => (await decide(app, { workspaceId: ws, userId, url, budgetMs: 10_000 })).placements.find((x) => x.id === p.id)!.html!;
    await liveModel(app, ws);
    const first = await html('new');
    expect(first).not.toContain('Tent'); // bought it
    // Another visitor on the same page at once: their own list (best sellers without the mug), not the cached one.
    const second = await html('m1');
    expect(second).toContain('Tent');
    expect(second).not.toBe(first);
  });
});
