import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { ingest } from '../testing/profiles';
import { signedInDashboard } from '../testing/dashboard-harness';
import { getTemplate } from './index';

// The visual email editor of the built dashboard, served by the real API, in Chromium: blocks from a
// starter, a new button edited and reordered, saved as MJML, read back as blocks after a reload.
// Build the dashboard first when running alone: pnpm --filter @overture/dashboard build

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
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The block list as "kind: summary" lines, in order. */
const blockList = async () =>
  (await page.getByRole('list', { name: 'Blocks' }).locator('li .block-item').evaluateAll((items) => items.map((i) => `${i.children[0]!.textContent}: ${i.children[1]!.textContent}`)));

/** Elements whose content is wider than their box while they let it show, and a page wider than its window. */
const spills = () =>
  page.evaluate(`(() => {
    const found = [];
    if (document.documentElement.scrollWidth > innerWidth) found.push('the page is ' + document.documentElement.scrollWidth + 'px wide in a ' + innerWidth + 'px window');
    for (const el of document.querySelectorAll('body *')) {
      if (el instanceof SVGElement || el.closest('svg') || el.clientWidth === 0) continue;
      if (getComputedStyle(el).overflowX !== 'visible' || el.scrollWidth <= el.clientWidth + 2) continue;
      found.push('<' + el.localName + ' class="' + el.className + '"> content ' + el.scrollWidth + 'px in ' + el.clientWidth + 'px');
    }
    return found;
  })()`) as Promise<string[]>;

describe('block email editor in Chromium', () => {
  it('builds an email from a starter with a new button, reorders it, saves MJML and reads it back as blocks', async () => {
    await page.goto(`${server.url}/w/${ws}/messages/new`);
    await page.getByLabel('Name').fill('Gift email');
    await page.getByLabel('Profile id').fill('ada');
    await page.getByRole('group', { name: 'Start from' }).getByRole('button', { name: 'Welcome', exact: true }).click();
    const preview = page.frameLocator('iframe[title="Email preview"]');
    await preview.getByText('Thanks for joining us.').waitFor();
    expect(await blockList()).toEqual([
      'Text: Welcome {{ profile.traits.first_name | default: "" }}',
      'Text: Thanks for joining us. Here is what others love right now.',
      'Button: Start shopping',
      'Recommended products: Our best sellers · Best sellers, 3',
      'Footer with unsubscribe: Unsubscribe',
    ]);

    // A new block goes above the footer and opens in the side form.
    await page.getByRole('group', { name: 'Add a block' }).getByRole('button', { name: 'Button', exact: true }).click();
    const form = page.getByRole('region', { name: 'Edit Button' });
    await form.getByLabel('Label', { exact: true }).fill('Claim my gift');
    await form.getByLabel('Link', { exact: true }).fill('https://shop.example/gift?a=1&b=2');
    expect((await blockList())[4]).toBe('Button: Claim my gift');

    // Dragged onto the first block it takes its place; then one step down with its button.
    const items = page.getByRole('list', { name: 'Blocks' }).locator('li');
    await items.nth(4).dragTo(items.nth(0));
    expect((await blockList())[0]).toBe('Button: Claim my gift');
    await page.getByRole('button', { name: 'Move Button 1 down' }).click();
    expect((await blockList()).slice(0, 3)).toEqual(['Text: Welcome {{ profile.traits.first_name | default: "" }}', 'Button: Claim my gift', 'Text: Thanks for joining us. Here is what others love right now.']);

    // The preview renders the generated MJML: the button with its label, under the heading.
    await preview.getByText('Claim my gift').waitFor();
    await preview.getByText('Welcome Ada').waitFor();
    await page.getByRole('alert', { name: 'Template problems' }).getByText('No problems found.').waitFor();

    // Nothing runs out of its box with the editor open on a block, at both laptop widths.
    await items.nth(0).locator('.block-item').click();
    await page.getByRole('region', { name: 'Edit Text' }).waitFor();
    for (const width of [1280, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await spills()).toEqual([]);
      await page.screenshot({ path: `/tmp/overture-block-editor-${width}.png`, fullPage: true });
    }

    // Without a footer the editor warns, and puts it back in one click.
    await items.last().locator('.block-item').click();
    await page.getByRole('region', { name: 'Edit Footer with unsubscribe' }).getByRole('button', { name: 'Delete' }).click();
    const warning = page.getByRole('status').filter({ hasText: 'unsubscribe' });
    await warning.waitFor();
    await warning.getByRole('button', { name: 'Add the footer' }).click();
    await warning.waitFor({ state: 'detached' });
    expect((await blockList()).at(-1)).toBe('Footer with unsubscribe: Unsubscribe');

    // A duplicate lands right below its original, selected; deleting it leaves the one button.
    await items.nth(1).locator('.block-item').click();
    const buttonForm = page.getByRole('region', { name: 'Edit Button' });
    await buttonForm.getByRole('button', { name: 'Duplicate' }).click();
    expect((await blockList()).slice(1, 3)).toEqual(['Button: Claim my gift', 'Button: Claim my gift']);
    await buttonForm.getByRole('button', { name: 'Delete' }).click();
    expect((await blockList()).filter((b) => b === 'Button: Claim my gift')).toHaveLength(1);

    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(new RegExp(`/w/${ws}/messages/(?!new)[^/]+$`));
    const saved = (await getTemplate(server.app, ws, 'Gift email'))!;
    // The body is MJML, the user's text escaped, Liquid untouched; the source view shows the same.
    expect(saved.body).toContain('<mj-button href="https://shop.example/gift?a=1&amp;b=2" background-color="#4f46e5">Claim my gift</mj-button>');
    expect(saved.body).toContain('{{ profile.traits.first_name | default: "" }}');
    expect(saved.body.indexOf('Claim my gift')).toBeLessThan(saved.body.indexOf('Thanks for joining us.'));
    expect(saved.body.split('Claim my gift')).toHaveLength(2);

    await page.reload();
    await page.getByRole('list', { name: 'Blocks' }).waitFor();
    const after = await blockList();
    expect(after[1]).toBe('Button: Claim my gift');
    expect(after.filter((b) => b.startsWith('Custom MJML'))).toEqual([]);
    await items.nth(1).locator('.block-item').click();
    expect(await page.getByRole('region', { name: 'Edit Button' }).getByLabel('Link', { exact: true }).inputValue()).toBe('https://shop.example/gift?a=1&b=2');
    await page.getByRole('group', { name: 'Body editor' }).getByRole('button', { name: 'Source' }).click();
    expect(await page.getByLabel('Body (MJML with liquid)').inputValue()).toBe(saved.body);
    expect(errors).toEqual([]);
  });
});
