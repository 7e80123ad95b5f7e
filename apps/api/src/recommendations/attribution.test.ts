import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '../testing';
import { ingest } from '../testing/profiles';
import { upsertFeedProducts } from '../catalog';
import { findProfileId } from '../profiles';
import { templateRecommendations } from '../templates';
import { buildModel, forgetModel } from './index';
import { attributionWindowDays, flushRecommendationImpressions, recommendationMetrics, recordRecommendationShown } from './attribution';

const hour = 3_600_000;
const day = 24 * hour;
const shownAt = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const page = (ids: { userId?: string; anonymousId?: string }, at: number, url: string) => ({ type: 'page', ...ids, timestamp: iso(at), messageId: `pg-${url}-${at}`, properties: { url } });
const track = (userId: string, event: string, at: number, properties: Record<string, unknown>) => ({ type: 'track', event, userId, timestamp: iso(at), messageId: `${event}-${userId}-${at}`, properties });

describe('attribution of recommended links', () => {
  let app: TestApp;
  let ws: string;
  const pid = async (id: string) => (await findProfileId(app, ws, id))!;

  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'recs-attribution')).id;
    await ingest(app, ws, [
      { type: 'identify', userId: 'u1', traits: {} }, { type: 'identify', userId: 'u2', traits: {} },
      { type: 'identify', userId: 'u3', anonymousId: 'anon-u3', traits: {} },
    ]);
    const shown = async (recId: string, strategy: 'for_you' | 'trending', source: { kind: 'placement' | 'message'; id: string }, user: string, products: string[]) =>
      recordRecommendationShown(app, ws, { recId, strategy, source, profileId: await pid(user), items: products.map((product_id) => ({ product_id })), atMs: shownAt });
    await shown('for_you.aaaaaaaa', 'for_you', { kind: 'placement', id: 'plc_1' }, 'u1', ['bag', 'stove']);
    await shown('trending.bbbbbbbb', 'trending', { kind: 'placement', id: 'plc_1' }, 'u2', ['mug']);
    await shown('for_you.cccccccc', 'for_you', { kind: 'message', id: 'tpl_1' }, 'u3', ['bag']);
    await flushRecommendationImpressions(app);
    await ingest(app, ws, [
      // u1 clicks, adds the bag, orders it with a tent (only the bag's line counts), then the stove.
      page({ userId: 'u1' }, shownAt + hour, 'https://shop.example/p/bag?rec=for_you.aaaaaaaa'),
      page({ userId: 'u1' }, shownAt + 2 * hour, 'https://shop.example/p/bag?rec=for_you.aaaaaaaa'), // the same block clicked again
      track('u1', 'Product Added', shownAt + 2 * hour, { product_id: 'bag', price: 80 }),
      track('u1', 'Order Completed', shownAt + day, { products: [{ product_id: 'bag', price: 80, quantity: 1 }, { product_id: 'tent', price: 200, quantity: 1 }] }),
      track('u1', 'Order Completed', shownAt + 2 * day, { products: [{ product_id: 'stove', price: 40, quantity: 1 }] }),
      // u2 never clicked: their mug order is not the block's.
      track('u2', 'Order Completed', shownAt + day, { products: [{ product_id: 'mug', price: 9, quantity: 1 }] }),
      // u3 clicks on another device (anonymous, linked to them) but orders after the window.
      page({ anonymousId: 'anon-u3' }, shownAt + hour, 'https://shop.example/p/bag?utm_source=email&rec=for_you.cccccccc'),
      track('u3', 'Order Completed', shownAt + hour + (attributionWindowDays + 1) * day, { products: [{ product_id: 'bag', price: 80, quantity: 2 }] }),
    ]);
    await app.writer.drain();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts impressions, clicks, CTR and the carts, orders and revenue within the window per strategy and placement/message', async () => {
    const rows = await recommendationMetrics(app, ws, { fromMs: shownAt - day, toMs: shownAt + day });
    const by = (strategy: string, kind: string, id: string) => rows.find((r) => r.strategy === strategy && r.source_kind === kind && r.source_id === id);
    expect(rows).toHaveLength(3);
    expect(by('for_you', 'placement', 'plc_1')).toEqual({ strategy: 'for_you', source_kind: 'placement', source_id: 'plc_1', impressions: 1, clicks: 1, ctr: 1, add_to_carts: 1, orders: 2, revenue: 120 });
    expect(by('trending', 'placement', 'plc_1')).toMatchObject({ impressions: 1, clicks: 0, ctr: 0, orders: 0, revenue: 0 });
    expect(by('for_you', 'message', 'tpl_1')).toMatchObject({ impressions: 1, clicks: 1, orders: 0, revenue: 0 });
    // Blocks shown outside the range are not counted.
    expect(await recommendationMetrics(app, ws, { fromMs: shownAt + day, toMs: shownAt + 2 * day })).toEqual([]);
  });

  it("tags a message's recommended links with the recommendation id and counts the strategy it read as shown", async () => {
    await upsertFeedProducts(app.clickhouse, ws, [{ product_id: 'bag', name: 'Bag', availability: 'in_stock', price: 80, url: 'https://shop.example/p/bag' }, { product_id: 'stove', name: 'Stove', availability: 'in_stock', price: 40, url: 'https://shop.example/p/stove' }], shownAt - 30 * day);
    await buildModel(app, ws, { untilMs: shownAt + 3 * day });
    forgetModel(app, ws);
    const recs = await templateRecommendations(app, ws, await pid('u2'), [], { kind: 'message', id: 'tpl_2', readsList: false });
    const best = await recs.best_sellers!;
    const linked = best.filter((p) => p.url); // products known only from orders have no link
    expect(linked.map((p) => p.product_id).sort()).toEqual(['bag', 'stove']);
    expect(linked.every((p) => /^https:\/\/shop\.example\/p\/\w+\?rec=best_sellers\.[\w-]{8}$/.test(p.url!))).toBe(true);
    await flushRecommendationImpressions(app);
    const rows = await recommendationMetrics(app, ws, { fromMs: Date.now() - hour, toMs: Date.now() + hour });
    // The for_you list the template did not read is not an impression.
    expect(rows.map((r) => [r.strategy, r.source_kind, r.source_id, r.impressions])).toEqual([['best_sellers', 'message', 'tpl_2', 1]]);
  });
});
