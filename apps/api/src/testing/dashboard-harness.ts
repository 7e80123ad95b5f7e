// Test support for the dashboard's browser tests: the built dashboard served by the API, Debian's
// Chromium, and a page signed in as a user of the server's workspace.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser-harness';
import { createTestUser, type TestServer } from './index';

export function requireBuiltDashboard(server: TestServer): void {
  const index = join(server.app.config.dashboardDir, 'index.html');
  if (!existsSync(index)) throw new Error(`No built dashboard at ${index}: run "pnpm --filter @overture/dashboard build" first (the test command does).`);
}

/** Chromium on the dashboard, signed in through its form and landed on the workspace's home (Overview). */
export async function signedInDashboard(
  server: TestServer,
  viewport = { width: 1400, height: 1000 },
): Promise<{ browser: Browser; page: Page; user: { email: string; password: string } }> {
  requireBuiltDashboard(server);
  const user = await createTestUser(server.app, [server.workspace.id]);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  await page.goto(`${server.url}/`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**/w/${server.workspace.id}/overview`);
  return { browser, page, user };
}
