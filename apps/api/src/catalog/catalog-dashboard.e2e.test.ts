import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { signedInDashboard } from '../testing/dashboard-harness';
import { upsertFeedProducts, upsertObservedProducts } from './products';
import { catalogSettingsOf } from './settings';

// The Catalog page in the built dashboard, in real Chromium. Run `pnpm --filter @overture/dashboard
// build` first when running alone (the test command does).
let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startTestServer();
  ({ browser, page } = await signedInDashboard(server));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('catalog page', () => {
  it('lists products with price in their currency, searches, and shows a product’s history', async () => {
    const ch = server.app.clickhouse;
    const ws = server.workspace.id;
    const t0 = Date.parse('2026-11-01T10:00:00Z');
    await upsertFeedProducts(ch, ws, [{ product_id: 'lamp', name: 'Brass lamp', price: 80, currency: 'GBP', availability: 'out_of_stock' }], t0);
    await upsertFeedProducts(ch, ws, [{ product_id: 'lamp', name: 'Brass lamp', price: 64, currency: 'GBP', availability: 'in_stock' }], t0 + 86_400_000);
    await upsertObservedProducts(ch, ws, [{ product_id: '85123A', name: 'WHITE HANGING HEART T-LIGHT HOLDER', price: 2.55, atMs: t0 }], 'order');

    await page.goto(`${server.url}/w/${ws}/catalog`);
    const table = page.getByTestId('catalog-table');
    await table.getByText('Brass lamp').waitFor();
    const lampRow = table.locator('tr', { hasText: 'Brass lamp' });
    expect(await lampRow.locator('td').allTextContents()).toEqual(['Brass lamp lamp', '£64.00', 'In stock', '—', 'Catalog feed']);
    expect(await table.locator('tr', { hasText: '85123A' }).locator('td').nth(4).textContent()).toBe('Seen in orders');

    await page.getByLabel('Search products').fill('heart');
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Search products').fill('');
    await table.getByRole('button', { name: 'Brass lamp' }).click();
    const history = page.getByTestId('catalog-history');
    await expect.poll(() => history.locator('tr').count(), { timeout: 10_000 }).toBe(2);
    expect(await history.locator('tr').nth(0).locator('td').nth(1).textContent()).toBe('£80.00');
    expect(await history.locator('tr').nth(1).locator('td').allTextContents()).toEqual([expect.any(String), '£64.00', 'In stock']);
  });

  it('saves the price-drop threshold and the look-back window, and names the field of a bad value', async () => {
    const ws = server.workspace.id;
    await page.goto(`${server.url}/w/${ws}/catalog`);
    const card = page.getByRole('region', { name: 'Price drop and back in stock alerts' });
    const percent = card.getByLabel('Price drop threshold (%)');
    await expect.poll(() => percent.inputValue(), { timeout: 10_000 }).toBe('10');
    expect(await card.getByLabel('Viewed or carted within (days)').inputValue()).toBe('30');

    await percent.fill('95');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.locator('.form-error').waitFor();
    expect(await card.locator('.form-error').textContent()).toContain('priceDropPercent: must be a percentage between 1 and 90');

    await percent.fill('5');
    await card.getByLabel('Viewed or carted within (days)').fill('14');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => card.getByTestId('catalog-alerts-summary').textContent(), { timeout: 10_000 }).toContain('at least 5 % below');
    expect(await card.getByTestId('catalog-alerts-summary').textContent()).toContain('in the last 14 days');
    expect(await catalogSettingsOf(server.app, ws)).toEqual({ priceDropPercent: 5, momentWindowDays: 14 });
  });
});
