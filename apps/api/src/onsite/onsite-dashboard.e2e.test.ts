import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { signedInDashboard } from '../testing/dashboard-harness';
import { listPlacements } from './index';

// The onsite form in the built dashboard, in real Chromium. Run `pnpm --filter @overture/dashboard
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

describe('onsite form', () => {
  it('sets how long a dismissed placement stays hidden, and names the field when it is out of range', async () => {
    await page.goto(`${server.url}/w/${server.workspace.id}/onsite`);
    const form = page.getByRole('region', { name: 'Placement', exact: true });
    await form.getByLabel('Name', { exact: true }).fill('Spring bar');
    await form.getByLabel('Kind').selectOption('top_bar');
    const dismissDays = form.getByLabel('Once dismissed, hide for days');
    expect(await dismissDays.inputValue()).toBe('7');

    await dismissDays.fill('400');
    await form.getByRole('button', { name: 'Create placement' }).click();
    await form.locator('.form-error').filter({ hasText: 'rules.dismissDays' }).waitFor();
    expect(await listPlacements(server.app, server.workspace.id)).toEqual([]);

    await dismissDays.fill('3');
    await form.getByRole('button', { name: 'Create placement' }).click();
    await form.getByText('Saved “Spring bar”.').waitFor();
    const [saved] = await listPlacements(server.app, server.workspace.id);
    expect(saved).toMatchObject({ name: 'Spring bar', kind: 'top_bar', rules: { dismissDays: 3 } });

    // Opened again from the list, the form shows the stored value.
    await page.getByRole('button', { name: 'New placement' }).click();
    expect(await dismissDays.inputValue()).toBe('7');
    await page.getByRole('region', { name: 'Placements', exact: true }).getByRole('button', { name: /Spring bar/ }).click();
    expect(await dismissDays.inputValue()).toBe('3');
  });
});
