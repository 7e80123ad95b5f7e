import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing';
import { productHistory, productsByIds, upsertObservedProducts } from './products';

// The brand's catalog feed over HTTP, on a real server and chDB: partial acceptance, the secret key,
// and a price/stock history that grows only on a change.
describe('POST /v1/catalog', () => {
  let t: TestServer;
  const post = (body: unknown, key = t.workspace.secretKey) =>
    fetch(`${t.url}/v1/catalog`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores the valid products, names the index and field of each bad one, and refuses a write key', async () => {
    const res = await post([
      { product_id: 'mug-1', name: 'Enamel mug', price: 12.5, currency: 'GBP', url: 'https://shop.example/mug-1', availability: 'in_stock', category: 'Kitchen' },
      { product_id: 'lamp-2', name: 'Lamp', price: -3 },
      { product_id: 'bag-3', name: 'Tote bag', price: 8, currency: 'GBP', availability: 'out_of_stock' },
      { product_id: 'x', name: 'Bad link', url: 'javascript:alert(1)' },
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; errors: Array<{ index: number; field: string; message: string }> };
    expect(body.accepted).toBe(2);
    expect(body.errors.map((e) => [e.index, e.field])).toEqual([[1, 'price'], [3, 'url']]);
    expect(body.errors[0]!.message).toContain('products[1].price');

    const stored = await productsByIds(t.app.clickhouse, t.workspace.id, ['mug-1', 'bag-3', 'lamp-2']);
    expect([...stored.keys()].sort()).toEqual(['bag-3', 'mug-1']);
    expect(stored.get('mug-1')).toMatchObject({ name: 'Enamel mug', price: 12.5, currency: 'GBP', availability: 'in_stock', category: 'Kitchen', url: 'https://shop.example/mug-1', image_url: null });

    const withWriteKey = await post([{ product_id: 'mug-1', name: 'Free mug', price: 0 }], t.workspace.writeKey);
    expect(withWriteKey.status).toBe(403);
    expect((await productsByIds(t.app.clickhouse, t.workspace.id, ['mug-1'])).get('mug-1')?.price).toBe(12.5);
  });

  it('answers 400 naming the field when nothing is valid, and keeps history only for changes', async () => {
    const bad = await post({ products: [{ product_id: '', name: 'x' }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('products[0].product_id');
    expect((await post({ nope: 1 })).status).toBe(400);

    const item = { product_id: 'hist-1', name: 'Vase', price: 40, currency: 'EUR', availability: 'out_of_stock' };
    expect((await post([item])).status).toBe(200);
    expect((await post([item])).status).toBe(200); // unchanged: no new history
    const back = await post([{ ...item, price: 30, availability: 'in_stock' }]);
    expect(((await back.json()) as { changed: number }).changed).toBe(1);
    const history = await productHistory(t.app.clickhouse, t.workspace.id, 'hist-1');
    expect(history.map((h) => [h.price, h.availability])).toEqual([[40, 'out_of_stock'], [30, 'in_stock']]);
  });

  it('lets orders fill in products the feed does not describe, never overwrite a feed row', async () => {
    expect((await post([{ product_id: 'feed-1', name: 'Linen napkin (set of 4)', price: 18, currency: 'GBP', availability: 'in_stock' }])).status).toBe(200);
    const later = Date.now() + 60_000;
    const { written } = await upsertObservedProducts(t.app.clickhouse, t.workspace.id, [
      { product_id: 'feed-1', name: 'NAPKIN LINEN', price: 1, atMs: later },
      { product_id: 'order-only', name: 'JUMBO BAG RED', price: 2.08, atMs: later },
    ], 'order');
    expect(written).toBe(1);
    const stored = await productsByIds(t.app.clickhouse, t.workspace.id, ['feed-1', 'order-only']);
    expect(stored.get('feed-1')).toMatchObject({ name: 'Linen napkin (set of 4)', price: 18 });
    expect(stored.get('order-only')).toMatchObject({ name: 'JUMBO BAG RED', price: 2.08, availability: 'unknown' });
  });
});
