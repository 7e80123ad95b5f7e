import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch, startTestServer, type TestServer } from '../testing';
import { until } from '../testing/journeys';
import { productsByIds } from './products';

// Ingest → events queue → worker's catalog step → products: a product page the SDK saw fills the
// catalog, and the brand's feed stays authoritative.
describe('product views fill the catalog', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ worker: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a viewed product, and never lets a view overwrite a feed product', async () => {
    const feed = await fetch(`${t.url}/v1/catalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.workspace.secretKey}` },
      body: JSON.stringify([{ product_id: 'fed', name: 'Walnut tray', price: 30, currency: 'GBP', availability: 'out_of_stock' }]),
    });
    expect(feed.status).toBe(200);
    const res = await postBatch(t, [
      { type: 'track', event: 'Product Viewed', anonymousId: 'a1', properties: { product_id: 'seen', name: 'Rattan basket', price: 19.99, currency: 'GBP', availability: 'in_stock', url: 'https://shop.example/basket', image: 'https://cdn.example/b.jpg' } },
      { type: 'track', event: 'Product Viewed', anonymousId: 'a1', properties: { product_id: 'fed', name: 'FREE TRAY', price: 0, availability: 'in_stock' } },
    ]);
    expect(res.status).toBe(200);
    const stored = await until(() => productsByIds(t.app.clickhouse, t.workspace.id, ['seen', 'fed']), (m) => m.has('seen'), 20_000, 'the viewed product');
    expect(stored.get('seen')).toMatchObject({ name: 'Rattan basket', price: 19.99, availability: 'in_stock', url: 'https://shop.example/basket', image_url: 'https://cdn.example/b.jpg' });
    expect(stored.get('fed')).toMatchObject({ name: 'Walnut tray', price: 30, availability: 'out_of_stock' });
  });

  it('tells each person who viewed a product, once, when it comes back in stock', async () => {
    const feed = (availability: string) =>
      fetch(`${t.url}/v1/catalog`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.workspace.secretKey}` },
        body: JSON.stringify([{ product_id: 'lamp', name: 'Brass lamp', price: 80, currency: 'GBP', url: 'https://shop.example/lamp', availability }]),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { announced: number } }));
    expect((await feed('out_of_stock')).status).toBe(200);
    const viewed = await postBatch(t, [
      { type: 'track', event: 'Product Viewed', userId: 'ann', properties: { product_id: 'lamp', name: 'Brass lamp' } },
      { type: 'track', event: 'Product Viewed', userId: 'ann', properties: { product_id: 'lamp', name: 'Brass lamp' } },
      { type: 'track', event: 'Product Added', anonymousId: 'anon-7', properties: { product_id: 'lamp' } },
      { type: 'track', event: 'Product Viewed', userId: 'bob', properties: { product_id: 'other', name: 'Other' } },
    ]);
    expect(viewed.status).toBe(200);
    await until(() => productsByIds(t.app.clickhouse, t.workspace.id, ['other']), (m) => m.has('other'), 20_000, 'the views to be processed');

    expect((await feed('in_stock')).body.announced).toBe(2);
    expect((await feed('in_stock')).body.announced).toBe(0);
    const rs = await t.app.clickhouse.query({
      query: `SELECT user_id, anonymous_id, JSONExtractString(properties, 'url') AS url, JSONExtractString(properties, 'source') AS source FROM events FINAL WHERE workspace_id = {ws:String} AND event = 'Back In Stock' ORDER BY user_id`,
      query_params: { ws: t.workspace.id },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      { user_id: '', anonymous_id: 'anon-7', url: 'https://shop.example/lamp', source: 'catalog' },
      { user_id: 'ann', anonymous_id: '', url: 'https://shop.example/lamp', source: 'catalog' },
    ]);
  });
});
