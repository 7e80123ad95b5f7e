import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../testing';
import { getTemplate, saveTemplate } from '../../templates';
import { listSenders, saveEmailSettings } from '../index';
import { signedInDashboard } from '../../testing/dashboard-harness';

// The sender identities card of the Channels page and the template editor's From, in Chromium,
// against the real API. Build the dashboard first when running alone (pnpm --filter
// @overture/dashboard build), or point DASHBOARD_DIR at a build elsewhere.

let server: TestServer;
let browser: Browser;
let page: Page;
let ws: string;

const body = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

beforeAll(async () => {
  server = await startTestServer(process.env.DASHBOARD_DIR ? { env: { DASHBOARD_DIR: process.env.DASHBOARD_DIR } } : {});
  ws = server.workspace.id;
  await saveEmailSettings(server.app, ws, { host: '127.0.0.1', port: 2525, fromAddress: 'smtp@shop.example', fromName: 'Shop SMTP' });
  ({ browser, page } = await signedInDashboard(server));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('sender identities in the dashboard', () => {
  it('adds senders, shows the default, refuses to delete a used one with the server’s reason, moves the default', async () => {
    await page.goto(`${server.url}/w/${ws}/channels`);
    const card = page.getByRole('region', { name: 'Sender identities' });
    await card.getByText("No sender yet: emails go out from the SMTP settings' From.").waitFor();
    const add = async (name: string, address: string, replyTo: string) => {
      await card.getByRole('button', { name: 'Add sender' }).click();
      const form = card.getByRole('form', { name: 'Add sender' });
      await form.getByLabel('Name', { exact: true }).fill(name);
      await form.getByLabel('Address', { exact: true }).fill(address);
      await form.getByLabel('Reply-To (optional)').fill(replyTo);
      await form.getByRole('button', { name: 'Add sender' }).click();
      await card.locator('tr', { hasText: address }).waitFor();
    };
    await add('Shop', 'news@shop.example', '');
    await add('Shop Support', 'care@shop.example', 'help@shop.example');
    const row = (address: string) => card.locator('tbody tr', { hasText: address });
    expect(await row('news@shop.example').locator('.badge').textContent()).toBe('default');
    expect(await row('care@shop.example').locator('.badge').count()).toBe(0);
    expect(await row('care@shop.example').textContent()).toContain('help@shop.example');

    const care = (await listSenders(server.app, ws)).find((s) => s.address === 'care@shop.example')!;
    await saveTemplate(server.app, ws, { name: 'Order help', channel: 'email', subject: 'About your order', body, senderId: care.id });
    page.once('dialog', (d) => void d.accept());
    await row('care@shop.example').getByRole('button', { name: 'Delete' }).click();
    const error = card.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toBe('Not deleted: care@shop.example is the sender of template "Order help": choose another sender for it first');

    await row('care@shop.example').getByRole('button', { name: 'Make default' }).click();
    await row('care@shop.example').locator('.badge').waitFor();
    expect(await row('news@shop.example').locator('.badge').count()).toBe(0);
    expect((await listSenders(server.app, ws)).filter((s) => s.isDefault).map((s) => s.address)).toEqual(['care@shop.example']);
    await page.screenshot({ path: '/tmp/overture-senders.png', fullPage: true });
  });

  it("edits a template's From: its own sender, or the default", async () => {
    const saved = (await getTemplate(server.app, ws, 'Order help'))!;
    await page.goto(`${server.url}/w/${ws}/messages/${saved.id}`);
    const from = page.getByRole('combobox', { name: /^From\b/ });
    await from.locator('option', { hasText: 'news@shop.example' }).waitFor({ state: 'attached' });
    expect(await from.inputValue()).toBe(saved.senderId);
    expect(await from.locator('option').first().textContent()).toBe('Default sender (Shop Support <care@shop.example>)');
    const news = (await listSenders(server.app, ws)).find((s) => s.address === 'news@shop.example')!;
    await from.selectOption(news.id);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    expect((await getTemplate(server.app, ws, 'Order help'))?.senderId).toBe(news.id);
    await from.selectOption('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => (await getTemplate(server.app, ws, 'Order help'))?.senderId).toBeNull();
    await page.screenshot({ path: '/tmp/overture-template-from.png', fullPage: true });
  });
});
