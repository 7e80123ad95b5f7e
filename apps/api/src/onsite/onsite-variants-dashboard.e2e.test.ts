import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { signedInDashboard } from '../testing/dashboard-harness';
import { listPlacements } from './index';

// The Variants section of the onsite editor in the built dashboard, in real Chromium. Run `pnpm
// --filter @overture/dashboard build` first when running alone (the test command does).
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

describe('onsite variants in the editor', () => {
  it('adds variants with their own content, layout and a control, previews one, saves them, and links to the experiment', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/w/${server.workspace.id}/onsite`);
    const form = page.getByRole('region', { name: 'Placement', exact: true });
    await form.getByLabel('Name', { exact: true }).fill('Hero offer');
    await form.getByLabel('Kind').selectOption('modal');
    await form.getByLabel('Content (HTML with liquid; scripts and event handlers are removed)').fill('<p>Base offer</p>');

    // The first "Add variant" keeps the placement as it is (A) beside a new variant (B).
    await form.getByRole('button', { name: 'Add variant' }).click();
    const variant = (n: number) => form.getByRole('group', { name: `Variant ${n}` });
    expect(await variant(1).getByLabel('Variant name').inputValue()).toBe('A');
    expect(await variant(2).getByLabel('Variant name').inputValue()).toBe('B');
    await variant(2).getByLabel('Variant content (HTML with liquid)').fill('<p>Free shipping today</p>');
    await variant(2).getByLabel('Layout').selectOption('top_bar');
    await variant(2).getByLabel('Variant CTA link').fill('/shipping');
    await form.getByRole('button', { name: 'Add variant' }).click();
    await variant(3).getByLabel('Variant name').fill('Holdout');
    await variant(3).getByLabel('Weight').fill('2');
    await variant(3).getByLabel('Control: show nothing').check();
    expect(await variant(3).getByText('50 % of visitors').count()).toBe(1);
    expect(await variant(3).getByLabel('Variant content (HTML with liquid)').count()).toBe(0);

    // The preview shows B as its visitors would see it.
    await variant(2).getByRole('button', { name: 'Preview B' }).click();
    await page.getByRole('heading', { name: 'Preview: B' }).waitFor();
    await page.frameLocator('iframe[title="Placement preview"]').getByText('Free shipping today').waitFor();

    await form.getByRole('button', { name: 'Create placement' }).click();
    await form.getByText('Saved “Hero offer”.').waitFor();
    const [saved] = await listPlacements(server.app, server.workspace.id);
    expect(saved!.variants).toEqual([
      { name: 'A', weight: 1, control: false, content: '', href: '', layout: null },
      { name: 'B', weight: 1, control: false, content: '<p>Free shipping today</p>', href: '/shipping', layout: 'top_bar' },
      { name: 'Holdout', weight: 2, control: true, content: '', href: '', layout: null },
    ]);
    // Nothing overflows the page at 1,280 px.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    // The link opens the placement's experiment, named after the placement.
    await form.getByRole('link', { name: /Experiment readout/ }).click();
    await page.getByRole('heading', { name: 'Hero offer', level: 1 }).waitFor();
    await page.goto(`${server.url}/w/${server.workspace.id}/experiments`);
    const row = page.getByTestId('experiments-table').locator('tr', { hasText: 'Hero offer' }).locator('td');
    await row.first().waitFor();
    expect((await row.allTextContents()).slice(0, 3)).toEqual(['Hero offer', 'Onsite variants', 'Running']);

    // Removing a variant down to one ends the variants (an experiment needs two).
    await page.goto(`${server.url}/w/${server.workspace.id}/onsite`);
    await page.getByRole('region', { name: 'Placements', exact: true }).getByRole('button', { name: /Hero offer/ }).click();
    await variant(3).getByRole('button', { name: 'Remove Holdout' }).click();
    await variant(2).getByRole('button', { name: 'Remove B' }).click();
    expect(await form.getByRole('group', { name: /^Variant / }).count()).toBe(0);
  });
});
