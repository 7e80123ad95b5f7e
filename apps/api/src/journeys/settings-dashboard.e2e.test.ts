import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { defaultSettings } from '@overture/journeys';
import { startTestServer, type TestServer } from '../testing';
import { StoreGuardrails } from './guardrails';
import { getJourneySettings, webhookHostsOf } from './settings';
import { hostAllowed, webhookSecret } from './webhook';
import { signedInDashboard } from '../testing/dashboard-harness';

// The Journey settings page of the built dashboard, served by the real API, in Chromium: what a
// marketer saves is what the engine reads. The test command builds apps/dashboard first; run
// `pnpm --filter @overture/dashboard build` when running alone.

let server: TestServer;
let browser: Browser;
let page: Page;
let ws: string;

/** What the journey engine reads for a workspace (its guardrails cache is fresh in a new instance). */
const engineSettings = () => new StoreGuardrails(server.app.postgres.db, null, { now: () => Date.now() }).settings(ws);
const setting = (legend: string) => page.getByRole('group', { name: legend, exact: true });

beforeAll(async () => {
  server = await startTestServer();
  ws = server.workspace.id;
  ({ browser, page } = await signedInDashboard(server));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('journey settings page in Chromium', () => {
  it('saves quiet hours, a cap, the channel order and the webhook allow-list; they survive a reload and the engine reads them', async () => {
    // Reached from the journeys area of the workspace tabs.
    await page.getByRole('link', { name: 'Journeys', exact: true }).click();
    await page.waitForURL(`**/w/${ws}/journeys`);
    await page.getByRole('link', { name: 'Journey settings' }).click();
    await page.waitForURL(`**/w/${ws}/journey-settings`);

    // A workspace that never saved any shows the engine's defaults.
    await setting('Quiet hours').getByLabel('Quiet from').waitFor();
    expect(await setting('Quiet hours').getByLabel('Quiet from').inputValue()).toBe(String(defaultSettings.quietHours!.start));
    expect(await setting('Quiet hours').getByLabel('Until').inputValue()).toBe(String(defaultSettings.quietHours!.end));
    expect(await setting('Quiet hours').textContent()).toContain("each profile's own time zone");

    await setting('Quiet hours').getByLabel('Quiet from').selectOption('22');
    await setting('Quiet hours').getByLabel('Until').selectOption('7');
    await setting('Default time zone').getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Move Web push up' }).click();
    await setting('Channel order').getByLabel('Onsite', { exact: true }).uncheck();
    await page.getByRole('button', { name: '+ Add cap' }).click();
    const cap = page.getByRole('group', { name: 'Cap 1' });
    await cap.getByLabel('Channel').selectOption('all');
    await cap.getByLabel('At most').fill('3');
    await cap.getByLabel('per hours').fill('24');
    await setting('Webhook allow-list').getByLabel('Allowed hosts').fill('api.shop.example\n*.hooks.example\nhooks.other.example:8443');
    await page.getByText('Unsaved changes').waitFor();
    await page.getByLabel('Share of profiles (%, 0–20)').fill('5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').getByText(/^Saved at /).waitFor();
    await page.screenshot({ path: '/tmp/overture-journey-settings.png', fullPage: true });

    const expected = {
      quietHours: { start: 22, end: 7 },
      bestHour: defaultSettings.bestHour,
      defaultTimezone: 'Europe/Paris',
      globalControlPercent: 5,
      channelOrder: ['web_push', 'email'],
      caps: [{ channel: 'all', max: 3, periodHours: 24 }],
    };
    expect(await getJourneySettings(server.app.postgres.db, ws)).toEqual({ ...expected, webhookHosts: ['api.shop.example', '*.hooks.example', 'hooks.other.example:8443'] });
    expect(await engineSettings()).toEqual(expected);
    const hosts = await webhookHostsOf(server.app.postgres.db, ws);
    // What webhook steps may now call, as the page's hint describes it.
    const urls = ['https://api.shop.example/hook', 'https://a.hooks.example:8443/x', 'https://hooks.example/x', 'https://hooks.other.example:8443/x', 'https://hooks.other.example/x', 'https://evil.example/'];
    expect(urls.map((u) => hostAllowed(u, hosts))).toEqual([true, true, false, true, false, false]);

    await page.reload();
    await setting('Quiet hours').getByLabel('Quiet from').waitFor();
    expect(await setting('Quiet hours').getByLabel('Quiet from').inputValue()).toBe('22');
    expect(await setting('Quiet hours').getByLabel('Until').inputValue()).toBe('7');
    expect(await setting('Default time zone').getByLabel('Time zone').inputValue()).toBe('Europe/Paris');
    expect(await setting('Channel order').locator('li').allTextContents()).toEqual([expect.stringContaining('Web push'), expect.stringContaining('Email'), expect.stringContaining('Onsite')]);
    expect(await setting('Channel order').getByLabel('Onsite', { exact: true }).isChecked()).toBe(false);
    expect(await cap.getByLabel('At most').inputValue()).toBe('3');
    expect(await setting('Webhook allow-list').getByLabel('Allowed hosts').inputValue()).toBe('api.shop.example\n*.hooks.example\nhooks.other.example:8443');
    expect(await page.getByText('Unsaved changes').count()).toBe(0);

    // The secret receivers verify signatures with, on demand.
    await page.getByRole('button', { name: 'Show signing secret' }).click();
    await page.getByTestId('webhook-secret').getByText(/^[0-9a-f]{64}$/).waitFor();
    expect(await page.getByTestId('webhook-secret').textContent()).toBe(webhookSecret(server.app.config.secret, ws));
  });

  it('shows the API validation error on the field it names and stores nothing', async () => {
    const before = await getJourneySettings(server.app.postgres.db, ws);
    await page.goto(`${server.url}/w/${ws}/journey-settings`);
    const hostsBox = setting('Webhook allow-list').getByLabel('Allowed hosts');
    await hostsBox.waitFor();
    // A URL where a host belongs: the mistake a marketer makes when pasting the receiver's address.
    await hostsBox.fill('api.shop.example\nhttps://shop.example/hook');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const error = setting('Webhook allow-list').getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toBe('line 2: a host name, *.domain or host:port');
    expect(await setting('Quiet hours').getByRole('alert').count()).toBe(0);
    await page.getByText('Not saved: see the marked settings above.').waitFor();
    await page.screenshot({ path: '/tmp/overture-journey-settings-error.png', fullPage: true });
    expect(await getJourneySettings(server.app.postgres.db, ws)).toEqual(before);

    // Fixing the line clears the verdict; saving then succeeds.
    await hostsBox.fill('api.shop.example\nshop.example');
    expect(await setting('Webhook allow-list').getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').getByText(/^Saved at /).waitFor();
    expect((await getJourneySettings(server.app.postgres.db, ws)).webhookHosts).toEqual(['api.shop.example', 'shop.example']);
  });

  it('refuses a time zone the engine could not compute local hours in, before asking the API', async () => {
    await page.goto(`${server.url}/w/${ws}/journey-settings`);
    const zone = setting('Default time zone').getByLabel('Time zone');
    await zone.waitFor();
    await zone.fill('Mars/Olympus');
    expect(await setting('Default time zone').getByRole('alert').textContent()).toContain('is not a time zone name');
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    expect((await getJourneySettings(server.app.postgres.db, ws)).defaultTimezone).toBe('Europe/Paris');
  });
});
