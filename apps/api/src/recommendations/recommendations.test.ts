import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '../testing';
import { ingest } from '../testing/profiles';
import { upsertFeedProducts, type FeedProduct } from '../catalog';
import { findProfileId } from '../profiles';
import { buildModel, forgetModel, recommend, type RecommendRequest } from './index';

const day = 86_400_000;
const now = Date.parse('2026-03-01T12:00:00Z');
const at = (daysBefore: number) => new Date(now - daysBefore * day).toISOString();

// A small shop where the right answers are known: tents go with sleeping bags and stoves, mugs with
// coffee; coffee is bought again and again; the lantern is sold out; the kayak arrived last.
const catalog: FeedProduct[] = [
  { product_id: 'tent', name: 'Tent', category: 'camping', availability: 'in_stock', price: 200 },
  { product_id: 'bag', name: 'Sleeping bag', category: 'camping', availability: 'in_stock', price: 80 },
  { product_id: 'stove', name: 'Stove', category: 'camping', availability: 'in_stock', price: 40 },
  { product_id: 'lantern', name: 'Lantern', category: 'camping', availability: 'out_of_stock', price: 25 },
  { product_id: 'mug', name: 'Mug', category: 'kitchen', availability: 'in_stock', price: 9 },
  { product_id: 'coffee', name: 'Coffee', category: 'kitchen', availability: 'in_stock', price: 12 },
  { product_id: 'kayak', name: 'Kayak', category: 'water', availability: 'in_stock', price: 600 },
];

const order = (userId: string, daysBefore: number, ids: string[], n = 0) => ({
  type: 'track', event: 'Order Completed', userId, timestamp: at(daysBefore), messageId: `o-${userId}-${daysBefore}-${n}`,
  properties: { products: ids.map((product_id) => ({ product_id, quantity: 1 })) },
});
const view = (ids: { userId?: string; anonymousId?: string }, daysBefore: number, productId: string) => ({
  type: 'track', event: 'Product Viewed', ...ids, timestamp: at(daysBefore), properties: { product_id: productId },
});

describe('recommendation strategies on a hand-made catalog', () => {
  let app: TestApp;
  let ws: string;
  const ask = async (r: Partial<RecommendRequest> & Pick<RecommendRequest, 'strategy'>) => recommend(app, ws, { profileId: null, limit: 3, ...r });
  const pid = async (id: string) => (await findProfileId(app, ws, id))!;
  const ids = (r: { items: Array<{ product_id: string }> }) => r.items.map((i) => i.product_id);

  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'recs')).id;
    await upsertFeedProducts(app.clickhouse, ws, catalog, now - 30 * day);
    await ingest(app, ws, [
      // Campers: tent, sleeping bag and stove together; the lantern too (sold out now).
      order('c1', 40, ['tent', 'bag', 'stove', 'lantern']),
      order('c2', 35, ['tent', 'bag', 'lantern']),
      order('c3', 30, ['tent', 'stove']),
      order('c4', 20, ['bag', 'stove']),
      // Coffee people buy coffee again and again, with a mug once.
      order('k1', 50, ['coffee', 'mug']), order('k1', 20, ['coffee'], 1), order('k1', 3, ['coffee'], 2),
      order('k2', 45, ['coffee', 'mug']), order('k2', 2, ['coffee'], 1),
      order('k3', 4, ['coffee']), order('k4', 3, ['coffee']), order('k5', 2, ['mug', 'coffee']),
      // The newcomer bought only a tent; the browser only looked at a tent.
      order('new', 1, ['tent']),
      view({ anonymousId: 'visitor-1' }, 1, 'tent'),
      view({ anonymousId: 'visitor-1' }, 0.5, 'kayak'),
    ]);
    await app.writer.drain();
    await buildModel(app, ws, { untilMs: now });
    forgetModel(app, ws);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('for_you recommends what people like them took with their purchase, never the sold-out lantern', async () => {
    const r = await ask({ strategy: 'for_you', profileId: await pid('new') });
    expect(r.fallback).toBeNull();
    expect(ids(r).slice(0, 2).sort()).toEqual(['bag', 'stove']);
    expect(ids(r)).not.toContain('lantern');
    expect(r.items[0]!.reason).toContain('Tent');
  });

  it('for_you blends in buy-again for a repeat buyer; discovery only leaves out what they bought', async () => {
    const k1 = await pid('k1');
    expect(ids(await ask({ strategy: 'for_you', profileId: k1 }))[0]).toBe('coffee');
    expect(ids(await ask({ strategy: 'buy_again', profileId: k1 }))).toEqual(['coffee', 'mug', ...ids(await ask({ strategy: 'buy_again', profileId: k1 })).slice(2)]);
    expect(ids(await ask({ strategy: 'for_you', profileId: k1, excludePurchased: true }))).not.toContain('coffee');
  });

  it('ranks best sellers by buyers, leaving out what the person bought, and trending by momentum', async () => {
    // coffee 5 buyers, tent 4, then bag and mug 3 each (ties by id).
    expect(ids(await ask({ strategy: 'best_sellers' }))).toEqual(['coffee', 'tent', 'bag']);
    expect(ids(await ask({ strategy: 'best_sellers', profileId: await pid('k1') }))).toEqual(['tent', 'bag', 'stove']);
    const trending = await ask({ strategy: 'trending' });
    expect(trending.fallback).toBeNull();
    expect(ids(trending)[0]).toBe('coffee');
  });

  it('bought_together and similar answer for a product, excluding the product itself', async () => {
    const together = await ask({ strategy: 'bought_together', productIds: ['mug'] });
    expect(ids(together)[0]).toBe('coffee');
    const similar = await ask({ strategy: 'similar', productIds: ['tent'], limit: 2 });
    expect(ids(similar).sort()).toEqual(['bag', 'stove']);
    expect(ids(await ask({ strategy: 'similar', productIds: ['tent'], category: 'kitchen', limit: 5 })).every((id) => ['mug', 'coffee'].includes(id))).toBe(true);
  });

  it('shows recently viewed products at once and new arrivals newest first', async () => {
    const visitor = await pid('visitor-1');
    expect(ids(await ask({ strategy: 'recently_viewed', profileId: visitor, limit: 2 }))).toEqual(['kayak', 'tent']);
    expect(ids(await ask({ strategy: 'new_arrivals' }))[0]).toBe('kayak');
  });

  it('falls back to trending, then best sellers, and names it, never answering empty', async () => {
    const stranger = await ask({ strategy: 'for_you', profileId: 'nobody' });
    expect(stranger.fallback).toBe('trending');
    expect(stranger.items).toHaveLength(3);
    const unknownProduct = await ask({ strategy: 'bought_together', productIds: ['no-such'], limit: 6 });
    expect(unknownProduct.items.length).toBe(6);
    expect(ids(unknownProduct)).not.toContain('lantern');
  });
});
