import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../testing/browser-harness';
import { ingest } from '../testing/profiles';
import { upsertFeedProducts } from '../catalog';
import { buildModel, forgetModel, liveModel } from '../recommendations';
import { savePlacement } from './index';

// A Recommendations placement in Debian's Chromium on a product page of another origin: the SDK sends
// the page's product (JSON-LD), decide fills the inline slot with what is bought with it.
let site: Site;
beforeAll(async () => {
  site = await startSite();
}, 120_000);
afterAll(() => site?.close());

const day = 86_400_000;
const now = Date.parse('2026-03-01T12:00:00Z');
const order = (userId: string, daysBefore: number, ids: string[]) => ({
  type: 'track', event: 'Order Completed', userId, timestamp: new Date(now - daysBefore * day).toISOString(), messageId: `o-${userId}-${daysBefore}`,
  properties: { products: ids.map((product_id) => ({ product_id, quantity: 1 })) },
});

describe('a recommendation block in the browser', () => {
  it("shows what is bought with the page's product in an inline slot, each link carrying the recommendation id", async () => {
    const { app } = site.api;
    const ws = site.workspace;
    await upsertFeedProducts(app.clickhouse, ws.id, [
      { product_id: 'tent', name: 'Tent', availability: 'in_stock', price: 200, url: `${site.url}/products/tent` },
      { product_id: 'bag', name: 'Sleeping bag', availability: 'in_stock', price: 80, url: `${site.url}/products/bag` },
      { product_id: 'stove', name: 'Stove', availability: 'in_stock', price: 40, url: `${site.url}/products/stove` },
    ], now - 30 * day);
    await ingest(app, ws.id, [order('c1', 40, ['tent', 'bag', 'stove']), order('c2', 35, ['tent', 'bag']), order('c3', 30, ['tent', 'stove'])]);
    await app.writer.drain();
    await buildModel(app, ws.id, { untilMs: now });
    forgetModel(app, ws.id);
    await liveModel(app, ws.id);
    await savePlacement(app, ws.id, { name: 'Goes with', kind: 'inline', target: 'recs', recommendations: { strategy: 'bought_together', limit: 2, title: 'Goes well with it' } });
    const jsonLd = JSON.stringify({ '@context': 'https://schema.org', '@type': 'Product', sku: 'tent', name: 'Tent', offers: { price: '200' } });
    site.page('/products/*', site.html(`<h1>Tent</h1><div data-overture-slot="recs"><p>Default</p></div>`, { onsite: true }, `<script type="application/ld+json">${jsonLd}</script>`));

    const page = await (await site.newContext()).newPage();
    const decided = page.waitForRequest((r) => r.url().endsWith('/v1/decide'));
    await page.goto(`${site.url}/products/tent`);
    expect(JSON.parse((await decided).postData()!)).toMatchObject({ productId: 'tent' });
    const block = page.locator('[data-overture-slot="recs"] [data-overture-placement="inline"]');
    await block.locator('text=Goes well with it').waitFor();
    const links = await block.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(links.map((h) => new URL(h).pathname).sort()).toEqual(['/products/bag', '/products/stove']);
    expect(links.every((h) => /^bought_together\.[\w-]{8}$/.test(new URL(h).searchParams.get('rec') ?? ''))).toBe(true);
  });
});
