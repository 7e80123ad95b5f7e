import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { ingest } from '../testing/profiles';
import { signedInDashboard } from '../testing/dashboard-harness';
import { getTemplate, listTemplates } from './index';

// The Variants section of the template editor in the built dashboard, served by the real API, in
// Chromium. Build the dashboard first when running alone: pnpm --filter @overture/dashboard build

let server: TestServer;
let browser: Browser;
let page: Page;
let ws: string;
const errors: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ws = server.workspace.id;
  await ingest(server.app, ws, [{ type: 'identify', userId: 'ada', traits: { first_name: 'Ada', email: 'ada@example.com' } }]);
  ({ browser, page } = await signedInDashboard(server, { width: 1280, height: 900 }));
  page.on('pageerror', (e) => errors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('message variants in the template editor', () => {
  it('adds variants with their own subject, sender name, weight and send time, previews one, saves them and links to the experiment', async () => {
    await page.goto(`${server.url}/w/${ws}/messages/new`);
    await page.getByLabel('Name', { exact: true }).fill('Spring sale');
    await page.getByLabel('Profile id').fill('ada');
    const form = page.getByRole('form', { name: 'Template source' });
    const variant = (n: number) => form.getByRole('group', { name: `Variant ${n}` });

    // The first "Add variant" keeps the template as it is (A, the control) beside a new variant (B).
    await form.getByRole('button', { name: 'Add variant' }).click();
    expect(await variant(1).getByLabel('Variant key').inputValue()).toBe('A');
    expect(await variant(2).getByLabel('Variant key').inputValue()).toBe('B');
    await variant(2).getByLabel('Variant subject').fill('Last day, {{ profile.traits.first_name }}');
    await variant(2).getByLabel('Variant sender name').fill('Ada from Shop');
    await variant(2).getByLabel('Weight').fill('3');
    await variant(2).getByLabel('Send later (minutes)').fill('60');
    expect(await variant(2).getByText('75 % of profiles').count()).toBe(1);

    // A broken override is named by its field as one types.
    await variant(2).getByLabel('Variant subject').fill('Last day {% if %}');
    await page.getByRole('alert', { name: 'Template problems' }).getByText('variants.1.subject').waitFor();
    await variant(2).getByLabel('Variant subject').fill('Last day, {{ profile.traits.first_name }}');
    await page.getByRole('alert', { name: 'Template problems' }).getByText('No problems found.').waitFor();

    // The preview shows B as its recipients would get it.
    await page.getByRole('region', { name: 'Preview' }).getByLabel('As').selectOption('B');
    await page.locator('.preview-subject').getByText('Last day, Ada').waitFor();

    await form.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(new RegExp(`/w/${ws}/messages/(?!new)[^/]+$`));
    const [summary] = await listTemplates(server.app, ws);
    expect(summary).toMatchObject({ name: 'Spring sale', variantCount: 2 });
    const saved = (await getTemplate(server.app, ws, summary!.id))!;
    expect(saved.variants).toEqual([
      { key: 'A', weight: 1, subject: '', body: '', senderName: '', sendOffsetMinutes: 0 },
      { key: 'B', weight: 3, subject: 'Last day, {{ profile.traits.first_name }}', body: '', senderName: 'Ada from Shop', sendOffsetMinutes: 60 },
    ]);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    // The link opens the template's experiment, named after the template.
    await form.getByRole('link', { name: /Experiment readout/ }).click();
    await page.getByRole('heading', { name: 'Spring sale', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'the message template' }).waitFor();
    await page.goto(`${server.url}/w/${ws}/experiments`);
    const row = page.getByTestId('experiments-table').locator('tr', { hasText: 'Spring sale' }).locator('td');
    await row.first().waitFor();
    expect((await row.allTextContents()).slice(0, 3)).toEqual(['Spring sale', 'Message variants', 'Running']);

    // The template list marks the template's experiment and links to it.
    await page.goto(`${server.url}/w/${ws}/messages`);
    await page.getByRole('link', { name: '2 variants' }).click();
    await page.getByRole('heading', { name: 'Spring sale', level: 1 }).waitFor();

    // Removing a variant down to one ends the experiment's variants (it needs two).
    await page.goto(`${server.url}/w/${ws}/messages/${saved.id}`);
    await variant(2).getByRole('button', { name: 'Remove B' }).click();
    expect(await form.getByRole('group', { name: /^Variant / }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
