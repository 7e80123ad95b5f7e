import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing';
import { signedInDashboard } from '../testing/dashboard-harness';

const login = (server: TestServer, email: string, password: string) =>
  fetch(`${server.url}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify({ email, password }) });

async function signedIn(server: TestServer, cookie: string): Promise<boolean> {
  const res = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
  return ((await res.json()) as { result: { data: unknown } }).result.data !== null;
}

describe('changing one’s password in the dashboard', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('needs the current password, then signs out the other sessions and keeps this one', async () => {
    const { browser, page, user } = await signedInDashboard(server);
    try {
      const other = (await login(server, user.email, user.password)).headers.get('set-cookie')!.split(';')[0]!;
      expect(await signedIn(server, other)).toBe(true);

      await page.getByRole('link', { name: 'Account' }).click();
      await page.getByRole('heading', { name: 'Change your password' }).waitFor();
      const form = page.getByRole('form', { name: 'Change password' });
      await form.getByLabel('Current password').fill('not my password');
      await form.getByLabel('New password', { exact: true }).fill('a brand new password');
      await form.getByLabel('New password again').fill('a brand new password');
      await form.getByRole('button', { name: 'Change password' }).click();
      expect(await form.getByRole('alert').textContent()).toMatch(/currentPassword: not your current password/);
      expect(await signedIn(server, other)).toBe(true);

      await form.getByLabel('Current password').fill(user.password);
      await form.getByRole('button', { name: 'Change password' }).click();
      expect(await form.getByRole('status').textContent()).toMatch(/Password changed\. One other session was signed out\./);

      expect(await signedIn(server, other)).toBe(false);
      expect((await login(server, user.email, user.password)).status).toBe(401);
      expect((await login(server, user.email, 'a brand new password')).status).toBe(200);
      // This browser's session lives on.
      await page.reload();
      await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    } finally {
      await browser.close();
    }
  });
});
