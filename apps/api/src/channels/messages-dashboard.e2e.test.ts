import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { getTemplate } from '../templates';
import { recordOutcomes, vapidKeysOf } from './index';
import { signedInDashboard } from '../testing/dashboard-harness';

// The Messages and Channels pages of the built dashboard, served by the real API, in Chromium.
// Build the dashboard first when running alone: pnpm --filter @overture/dashboard build

let server: TestServer;
let browser: Browser;
let page: Page;
let ws: string;

const broken = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi {{ profile.traits.first_name }},</mj-text>
        <mj-text>{% if profile.traits.vip %}Thanks for being a VIP.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
const fixed = broken.replace('Thanks for being a VIP.', 'Thanks for being a VIP.{% endif %}');

beforeAll(async () => {
  server = await startTestServer();
  ws = server.workspace.id;
  await ingest(server.app, ws, [{ type: 'identify', userId: 'ada', traits: { first_name: 'Ada', vip: true, email: 'ada@example.com' } }]);
  ({ browser, page } = await signedInDashboard(server));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('messages dashboard in Chromium', () => {
  it('edits a template: a problem with its line number, then fixed, previewed and saved', async () => {
    await page.goto(`${server.url}/w/${ws}/messages/new`);
    await page.getByLabel('Name').fill('Welcome');
    await page.getByRole('group', { name: 'Body editor' }).getByRole('button', { name: 'Source' }).click();
    await page.getByLabel('Body (MJML with liquid)').fill(broken);
    await page.getByLabel('Profile id').fill('ada');

    const problems = page.getByRole('alert', { name: 'Template problems' });
    await problems.getByText('body line 6').waitFor();
    expect(await problems.textContent()).toMatch(/body line 6(:\d+)? .*not closed/);
    expect(await page.locator('.code-gutter .marked').allTextContents()).toEqual(['6\n']);
    await page.getByText('Fix the problems to see the preview.').waitFor();
    await page.screenshot({ path: '/tmp/overture-template-error.png', fullPage: true });

    await page.getByLabel('Body (MJML with liquid)').fill(fixed);
    await problems.getByText('No problems found.').waitFor();
    const preview = page.frameLocator('iframe[title="Email preview"]');
    await preview.getByText('Hi Ada,').waitFor();
    await preview.getByText('Thanks for being a VIP.').waitFor();
    expect(await page.locator('.preview-subject').textContent()).toContain('Hello Ada');
    await page.screenshot({ path: '/tmp/overture-template-preview.png', fullPage: true });

    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(new RegExp(`/w/${ws}/messages/(?!new)[^/]+$`));
    const saved = await getTemplate(server.app, ws, 'Welcome');
    expect(saved?.body).toBe(fixed);
    expect(page.url()).toContain(`/messages/${saved!.id}`);
  });

  it('starts from each template of the gallery, adds blocks, and previews on desktop and mobile', async () => {
    const body = page.getByLabel('Body (MJML with liquid)');
    const preview = page.frameLocator('iframe[title="Email preview"]');
    const starters: Array<[string, string]> = [
      ['Welcome', 'Thanks for joining us.'],
      ['Abandoned cart', 'Complete your order before it sells out.'],
      ['Newsletter', 'News, stories and new arrivals.'],
      ['Win-back', 'COMEBACK10'],
      ['Order update', 'About your order A-1001'],
    ];
    await page.goto(`${server.url}/w/${ws}/messages/new`);
    await page.getByLabel('Profile id').fill('ada');
    await page.getByLabel('Triggering event (JSON, optional)').fill('{"name": "Order Completed", "properties": {"order_id": "A-1001", "value": 42}}');
    // Each starter validates with the real MJML and Liquid and renders for a real profile.
    for (const [name, text] of starters) {
      await page.getByRole('group', { name: 'Start from' }).getByRole('button', { name, exact: true }).click();
      await preview.getByText(text).waitFor();
    }
    // Blocks go in order above the footer with the unsubscribe link.
    await page.getByRole('group', { name: 'Body editor' }).getByRole('button', { name: 'Source' }).click();
    const bar = page.getByRole('group', { name: 'Insert a block' });
    await bar.getByRole('button', { name: 'Two columns' }).click();
    await bar.getByRole('button', { name: 'Divider' }).click();
    const source = await body.inputValue();
    const columns = source.indexOf('Right column');
    const divider = source.indexOf('<mj-divider border-width="1px" border-color="#e5e7eb" />\n      </mj-column>');
    expect(columns).toBeGreaterThan(source.indexOf('About your order'));
    expect(divider).toBeGreaterThan(columns);
    expect(divider).toBeLessThan(source.indexOf('{{ unsubscribe_url }}'));
    await preview.getByText('Right column').waitFor();
    await page.getByRole('group', { name: 'Preview size' }).getByRole('button', { name: 'Mobile' }).click();
    await expect.poll(async () => (await page.locator('iframe[title="Email preview"]').boundingBox())?.width).toBe(375);
  });

  it('shows analytics per template from the message outcomes', async () => {
    const t = (await getTemplate(server.app, ws, 'Welcome'))!;
    const ada = await resolveProfileId(server.app, ws, { userId: 'ada' });
    const kinds = { m1: ['sent', 'delivered', 'open', 'click'], m2: ['sent', 'delivered', 'open'], m3: ['sent', 'bounce'] } as const;
    await recordOutcomes(
      server.app,
      Object.entries(kinds).flatMap(([m, ks]) => ks.map((kind) => ({ workspaceId: ws, messageId: `${m}-${t.id}`, profileId: ada, channel: 'email', kind, templateId: t.id }))),
    );
    await page.goto(`${server.url}/w/${ws}/messages`);
    const row = page.getByRole('region', { name: 'Message analytics' }).locator('tr', { hasText: 'Welcome' });
    await row.waitFor();
    const metric = async (k: string) => row.locator(`td[data-metric=${k}] .count`).textContent();
    expect([await metric('sent'), await metric('delivered'), await metric('opened'), await metric('clicked'), await metric('bounced')]).toEqual(['3', '2', '2', '1', '1']);
    expect(await row.locator('td[data-metric=clicked] .rate').textContent()).toBe('33.3 %');
  });

  it('shows the workspace VAPID public key on the Channels page', async () => {
    await page.goto(`${server.url}/w/${ws}/channels`);
    await page.getByTestId('vapid-key').getByText(/^B/).waitFor();
    expect(await page.getByTestId('vapid-key').textContent()).toBe((await vapidKeysOf(server.app, ws)).publicKey);
    await page.screenshot({ path: '/tmp/overture-channels.png', fullPage: true });
  });
});
