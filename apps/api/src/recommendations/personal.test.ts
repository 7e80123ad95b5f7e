import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '../testing';
import { ingest } from '../testing/profiles';
import { findProfileId } from '../profiles';
import { upsertFeedProducts } from '../catalog';
import { buildModel, forgetModel, recommend } from './index';

const day = 86_400_000;
const now = Date.parse('2026-03-01T12:00:00Z');
const order = (userId: string, daysBefore: number, ids: string[]) => ({
  type: 'track', event: 'Order Completed', userId, timestamp: new Date(now - daysBefore * day).toISOString(), messageId: `o-${userId}-${daysBefore}`,
  properties: { products: ids.map((product_id) => ({ product_id, quantity: 1 })) },
});

// Ten people bought the tote and little else; three bought the paint set and brushes, as did Ana,
// and they went on to the easel (one of them to the tote as well). The tote is the best seller;
// for Ana, the easel is what people like her took. Ana also looked at a lamp nobody bought; Cal only
// looked at a rug (no one else did: neither EASE nor neighbours reach it); Bea at a stool, out of stock.
describe('for_you on a hand-made shop', () => {
  let app: TestApp;
  let ws: string;

  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'recs-personal')).id;
    await ingest(app, ws, [
      ...Array.from({ length: 10 }, (_, i) => order(`shopper-${i}`, 10 + i, i % 3 === 0 ? ['tote', 'mug'] : ['tote'])),
      order('painter-1', 30, ['paints', 'brushes', 'easel']),
      order('painter-2', 25, ['paints', 'brushes', 'easel']),
      order('painter-3', 20, ['paints', 'brushes', 'easel', 'tote']),
      order('ana', 5, ['paints', 'brushes']),
      ...[['ana', 'lamp'], ['bea', 'stool'], ['cal', 'rug']].map(([userId, product_id]) => ({ type: 'track', event: 'Product Viewed', userId, timestamp: new Date(now - 2 * day).toISOString(), messageId: `v-${userId}`, properties: { product_id } })),
    ]);
    await upsertFeedProducts(app.clickhouse, ws, [
      { product_id: 'lamp', name: 'Brass lamp', price: 40, availability: 'in_stock' },
      { product_id: 'stool', name: 'Oak stool', price: 60, availability: 'out_of_stock' },
      { product_id: 'rug', name: 'Wool rug', price: 90, availability: 'in_stock' },
    ], now - 30 * day);
    await app.writer.drain();
    await buildModel(app, ws, { untilMs: now });
    forgetModel(app, ws);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('ranks what similar customers bought above a merely popular product', async () => {
    const ana = (await findProfileId(app, ws, 'ana'))!;
    expect((await recommend(app, ws, { strategy: 'best_sellers', profileId: ana, limit: 1 })).items[0]!.product_id).toBe('tote');
    const forYou = await recommend(app, ws, { strategy: 'for_you', profileId: ana, limit: 2, excludePurchased: true });
    expect(forYou.fallback).toBeNull();
    const ids = forYou.items.map((i) => i.product_id);
    expect(ids[0]).toBe('easel');
    expect(ids).toContain('tote');
    expect(forYou.items[0]!.score).toBeGreaterThan(forYou.items[ids.indexOf('tote')]!.score);
    expect(forYou.items[0]!.reason).toMatch(/paints|brushes/);
  });

  it('lists what the person looked at and did not buy in the full list, in stock only, below what people like them bought', async () => {
    const cal = (await findProfileId(app, ws, 'cal'))!;
    const forCal = await recommend(app, ws, { strategy: 'for_you', profileId: cal, limit: 3, excludePurchased: false });
    expect(forCal.items[0]).toMatchObject({ product_id: 'rug', reason: 'you looked at it' });
    const ana = (await findProfileId(app, ws, 'ana'))!;
    const all = await recommend(app, ws, { strategy: 'for_you', profileId: ana, limit: 10, excludePurchased: false });
    const ids = all.items.map((i) => i.product_id);
    expect(all.items.find((i) => i.product_id === 'lamp')?.reason).toBe('you looked at it');
    expect(ids.indexOf('easel')).toBeLessThan(ids.indexOf('lamp'));
    const bea = (await findProfileId(app, ws, 'bea'))!;
    expect((await recommend(app, ws, { strategy: 'for_you', profileId: bea, limit: 10, excludePurchased: false })).items.map((i) => i.product_id)).not.toContain('stool');
  });
});
