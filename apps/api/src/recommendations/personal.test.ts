import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '../testing';
import { ingest } from '../testing/profiles';
import { findProfileId } from '../profiles';
import { buildModel, forgetModel, recommend } from './index';

const day = 86_400_000;
const now = Date.parse('2026-03-01T12:00:00Z');
const order = (userId: string, daysBefore: number, ids: string[]) => ({
  type: 'track', event: 'Order Completed', userId, timestamp: new Date(now - daysBefore * day).toISOString(), messageId: `o-${userId}-${daysBefore}`,
  properties: { products: ids.map((product_id) => ({ product_id, quantity: 1 })) },
});

// Ten people bought the tote and little else; three bought the paint set and brushes, as did Ana,
// and they went on to the easel (one of them to the tote as well). The tote is the best seller;
// for Ana, the easel is what people like her took.
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
    ]);
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
});
