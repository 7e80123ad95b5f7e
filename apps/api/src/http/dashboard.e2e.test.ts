import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../testing/browser-harness';
import { createTestUser, createWorkspace, postBatch, startTestServer, type CreatedWorkspace, type TestServer } from '../testing';
import { requireBuiltDashboard } from '../testing/dashboard-harness';
import { selectRows } from '../stores/clickhouse/sql';
import { timeZoneOf } from '../workspaces';

// The built dashboard served by the real API, driven in real Chromium. The test command builds
// apps/dashboard before vitest runs; run `pnpm --filter @overture/dashboard build` when running alone.

let server: TestServer;
let browser: Browser;
let page: Page;
let user: { email: string; password: string };
let otherWorkspace: CreatedWorkspace;

async function sendBatch(batch: Array<Record<string, unknown>>): Promise<void> {
  expect((await postBatch(server, batch.map((e) => ({ timestamp: new Date().toISOString(), ...e })))).status).toBe(200);
}

const texts = (selector: string) => page.locator(selector).allTextContents();

beforeAll(async () => {
  server = await startTestServer();
  requireBuiltDashboard(server);
  user = await createTestUser(server.app, [server.workspace.id]);
  otherWorkspace = await createWorkspace(server.app.postgres.db, 'not-yours');
  await sendBatch([
    { type: 'track', event: 'Order Completed', anonymousId: 'anon-1', userId: 'customer-7', properties: { revenue: 42.5, currency: 'EUR' } },
    { type: 'track', event: 'Product Viewed', anonymousId: 'anon-1', properties: { productId: 'p-1' } },
    { type: 'page', name: 'Home', anonymousId: 'anon-2', properties: { path: '/' } },
    { type: 'identify', userId: 'customer-7', traits: { email: 'seven@example.com' } },
  ]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('dashboard in Chromium', () => {
  it("refuses a wrong password with a clear message, then signs in to the workspace's overview", async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Wrong email or password');

    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/w/${server.workspace.id}/overview`);
    expect(await page.getByLabel('Workspace', { exact: true }).inputValue()).toBe(server.workspace.id);
  });

  it('opens on the overview, whose event count is the stored events of the last 30 days', async () => {
    const [stored] = await selectRows<{ n: string }>(
      server.app.clickhouse,
      `SELECT count() AS n FROM events FINAL WHERE workspace_id = {ws:String} AND is_bot = 0 AND timestamp >= now64(3) - INTERVAL 30 DAY`,
      { ws: server.workspace.id },
    );
    expect(Number(stored!.n)).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('overview-events').locator('.stat-value').textContent()).toBe(Number(stored!.n).toLocaleString('en-US'));
    await page.getByRole('link', { name: 'Events', exact: true }).click();
  });

  it('shows the latest events, their details, the totals and the chart', async () => {
    const table = page.locator('table.events-table');
    await table.getByText('Order Completed').waitFor();
    expect(await texts('td.event-name')).toEqual(expect.arrayContaining(['Order Completed', 'Product Viewed', 'Home', 'seven@example.com']));
    expect(await page.locator('.stat', { hasText: 'Events' }).first().locator('.stat-value').textContent()).toBe('4');

    await page.locator('[data-testid=counts-chart] .recharts-bar-rectangle').first().waitFor();
    expect(await texts('[data-testid=counts-chart] .recharts-legend-item-text')).toEqual(['track', 'page', 'identify']);

    await table.locator('tr', { hasText: 'Order Completed' }).getByRole('button', { name: 'Details' }).click();
    const json = await page.locator('tr.event-details pre.json').first().textContent();
    expect(JSON.parse(json ?? '{}')).toEqual({ revenue: 42.5, currency: 'EUR' });
    await page.screenshot({ path: '/tmp/overture-dashboard-events.png', fullPage: true });
  });

  it('filters by type and by event name through the URL', async () => {
    await page.getByLabel('Type', { exact: true }).selectOption('track');
    await page.waitForURL(/type=track/);
    await page.locator('td.event-name', { hasText: 'Home' }).waitFor({ state: 'detached' });
    expect((await texts('td.event-name')).sort()).toEqual(['Order Completed', 'Product Viewed']);

    await page.getByLabel('Event name', { exact: true }).selectOption('Product Viewed');
    await page.locator('td.event-name', { hasText: 'Order Completed' }).waitFor({ state: 'detached' });
    expect(await texts('td.event-name')).toEqual(['Product Viewed']);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.locator('td.event-name', { hasText: 'Home' }).waitFor();
  });

  it('shows the install snippet with the write key and events arriving live', async () => {
    await page.getByRole('link', { name: 'Install' }).click();
    await page.waitForURL(`**/w/${server.workspace.id}/install`);
    expect(await page.getByTestId('write-key').textContent()).toBe(server.workspace.writeKey);
    expect(await page.locator('.code-block pre').first().textContent()).toContain(`overture.init("${server.workspace.writeKey}"`);
    expect(await page.locator('.code-block pre').first().textContent()).toContain('"onsite":true');

    // Events sent before the page opened are listed as earlier, not as new arrivals.
    await page.getByText('Waiting for the first event…').waitFor();
    expect(await page.getByTestId('live-new').count()).toBe(0);

    // What the site's SDK sends is listed; what arrives without a tracking library (imports, the platform's own) is not.
    await sendBatch([
      { type: 'track', event: 'Imported Order', anonymousId: 'anon-4', context: { source: 'import' } },
      { type: 'track', event: 'Live Check Ping', anonymousId: 'anon-3', context: { library: { name: 'overture-sdk', version: '0.1.0' }, page: { url: 'https://shop.example/cart' } } },
    ]);
    const arrived = page.getByTestId('live-new');
    await arrived.first().waitFor();
    expect(await arrived.allTextContents()).toEqual([expect.stringContaining('Live Check Ping')]);
    expect(await arrived.first().textContent()).toContain('https://shop.example/cart');
    await page.getByText('Receiving events: 1 since you opened this page').waitFor();
    await page.screenshot({ path: '/tmp/overture-dashboard-install.png', fullPage: true });
  });

  it('shows every time in the workspace time zone picked on the install page, with its abbreviation', async () => {
    const card = page.getByRole('region', { name: 'Time zone' });
    await card.getByLabel('Search time zones').fill('new york');
    await card.getByLabel('Time zone', { exact: true }).selectOption('America/New_York');
    await expect.poll(() => card.getByTestId('workspace-time-zone').textContent()).toMatch(/^America\/New York · E[SD]T, UTC-[45]$/);
    expect(await timeZoneOf(server.app.postgres.db, server.workspace.id)).toBe('America/New_York');

    await page.getByRole('link', { name: 'Events', exact: true }).click();
    const firstTime = page.locator('table.events-table tbody tr td.nowrap').first();
    await expect.poll(() => firstTime.textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T$/);
    const latest = page.locator('.stat', { hasText: 'Latest event' }).locator('time');
    expect(await latest.textContent()).toMatch(/ago|just now/);
    expect(await latest.getAttribute('title')).toMatch(/ E[SD]T$/);
    await page.getByRole('link', { name: 'Install' }).click();
  });

  it("does not open a workspace the user is not a member of", async () => {
    await page.goto(`${server.url}/w/${otherWorkspace.id}/events`);
    await page.getByText('This workspace does not exist, or you are not a member of it.').waitFor();
    expect(await page.locator('table.events-table').count()).toBe(0);
  });

  it('creates a workspace from the switcher and signs out', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForURL(`**/w/${server.workspace.id}/overview`);
    await page.getByLabel('Workspace', { exact: true }).selectOption({ label: '+ New workspace…' });
    await page.getByLabel('Workspace name').fill('Second store');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(/\/w\/[^/]+\/install$/);
    const newId = /\/w\/([^/]+)\/install$/.exec(page.url())?.[1];
    expect(newId).toBeTruthy();
    expect(newId).not.toBe(server.workspace.id);
    await page.getByText('Workspace “Second store” created.').waitFor();
    const member = await server.app.postgres.db.selectFrom('memberships').select('workspace_id').where('workspace_id', '=', newId!).executeTakeFirst();
    expect(member?.workspace_id).toBe(newId);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/trpc/auth.me')).json());
    expect(me).toMatchObject({ result: { data: null } });
  });
});
