import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing';
import { ingest } from '../testing/profiles';
import { upsertFeedProducts } from '../catalog';
import { buildModel, forgetModel } from './index';

// GET /v1/recommendations on a real server: the secret key reads anyone, the write key only the
// browser's own visitor, and every parameter is bounded with a 4xx naming it.
describe('GET /v1/recommendations', () => {
  let t: TestServer;
  const get = (query: string, key: string) => fetch(`${t.url}/v1/recommendations?${query}`, { headers: { authorization: `Bearer ${key}` } });
  const at = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

  beforeAll(async () => {
    t = await startTestServer();
    const ws = t.workspace.id;
    await upsertFeedProducts(t.app.clickhouse, ws, [
      { product_id: 'tent', name: 'Tent', availability: 'in_stock', price: 200, url: 'https://shop.example/tent' },
      { product_id: 'bag', name: 'Sleeping bag', availability: 'in_stock', price: 80 },
      { product_id: 'mug', name: 'Mug', availability: 'in_stock', price: 9 },
    ], Date.now() - 86_400_000);
    const order = (userId: string, d: number, ids: string[]) => ({ type: 'track', event: 'Order Completed', userId, timestamp: at(d), properties: { products: ids.map((product_id) => ({ product_id })) } });
    await ingest(t.app, ws, [
      order('alice', 10, ['tent', 'bag']),
      order('bob', 9, ['tent', 'bag']),
      order('carol', 5, ['mug']),
      order('dave', 2, ['tent']),
      { type: 'identify', userId: 'dave', anonymousId: 'browser-dave', timestamp: at(2) },
      { type: 'track', event: 'Product Viewed', anonymousId: 'browser-eve', timestamp: at(1), properties: { product_id: 'mug' } },
    ]);
    await t.app.writer.drain();
    await buildModel(t.app, ws);
    forgetModel(t.app, ws);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers for a user id with the secret key: items with name, url, price, score and reason', async () => {
    const res = await get('strategy=for_you&profile_id=dave&limit=2', t.workspace.secretKey);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { strategy: string; fallback: string | null; items: Array<Record<string, unknown>> };
    expect(body.strategy).toBe('for_you');
    expect(body.fallback).toBeNull();
    expect(body.items[0]).toMatchObject({ product_id: 'bag', name: 'Sleeping bag', price: 80, url: null, image_url: null });
    expect(typeof body.items[0]!.score).toBe('number');
    expect(String(body.items[0]!.reason)).toContain('Tent');
  });

  it('lets the browser read its own visitor with the write key, and refuses another visitor', async () => {
    const own = await get('strategy=for_you&anonymous_id=browser-dave&user_id=dave', t.workspace.writeKey);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { items: Array<{ product_id: string }> }).items[0]!.product_id).toBe('bag');
    const other = await get('strategy=for_you&anonymous_id=browser-eve&user_id=dave', t.workspace.writeKey);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toContain('user_id');
    const byProfile = await get('strategy=for_you&profile_id=dave', t.workspace.writeKey);
    expect(byProfile.status).toBe(400);
    expect(((await byProfile.json()) as { error: string }).error).toContain('profile_id');
    const recent = await get('strategy=recently_viewed&anonymous_id=browser-eve', t.workspace.writeKey);
    expect(((await recent.json()) as { items: Array<{ product_id: string }> }).items[0]!.product_id).toBe('mug');
  });

  it('names the bad parameter in a 400', async () => {
    const key = t.workspace.secretKey;
    const cases: Array<[string, string]> = [
      ['strategy=magic', 'strategy'],
      ['limit=0', 'limit'],
      ['limit=500', 'limit'],
      ['limit=abc', 'limit'],
      ['strategy=similar', 'product_id'],
      [`profile_id=${'x'.repeat(300)}`, 'profile_id'],
      ['exclude_purchased=yes', 'exclude_purchased'],
      ['limit=1&limit=2', 'limit'],
      ['sql=1', 'sql'],
      [`strategy=bought_together&product_id=${Array.from({ length: 21 }, (_, i) => `p${i}`).join(',')}`, 'product_id'],
    ];
    for (const [query, field] of cases) {
      const res = await get(query, key);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error.startsWith(`${field}:`), query).toBe(true);
    }
    expect((await get('strategy=for_you', 'nope')).status).toBe(401);
  });

  it('gives an unknown visitor trending or best sellers, never an empty block', async () => {
    const res = await get('strategy=for_you&profile_id=stranger&limit=3', t.workspace.secretKey);
    const body = (await res.json()) as { fallback: string; items: unknown[] };
    expect(body.items).toHaveLength(3);
    expect(['trending', 'best_sellers']).toContain(body.fallback);
  });
});
