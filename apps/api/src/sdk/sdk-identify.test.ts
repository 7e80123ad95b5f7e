import { afterAll, beforeAll, expect, it } from 'vitest';
import { named, startSite, type Site } from '../testing/browser-harness';

// The whole path a site's sign-in takes: identify in Chromium → API → ClickHouse → the profile read
// back over the API. Batching must not hold it: the page batches for a minute here.
let site: Site;
beforeAll(async () => {
  site = await startSite({ worker: true });
});
afterAll(() => site?.close());

async function profileTraits(distinctId: string): Promise<Record<string, unknown> | null> {
  const res = await fetch(`${site.api.url}/v1/profiles/${encodeURIComponent(distinctId)}`, { headers: { authorization: `Bearer ${site.workspace.secretKey}` } });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return ((await res.json()) as { profile: { traits: Record<string, unknown> } }).profile.traits;
}

it('sends the first page view and an identify at once, so the profile shows the traits without waiting for a batch', async () => {
  await site.fresh();
  site.page('/account', site.html('<h1>Account</h1>', { flushInterval: 60_000, flushAt: 50, allowAutomation: true }));
  // A person's browser: headless Chromium's own user agent is rightly flagged as a bot, and bots get no profile.
  const ctx = await site.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36' });
  const page = await ctx.newPage();
  await page.goto(`${site.url}/account`);
  await site.waitFor((ev) => named(ev, 'page').length === 1, 20_000);

  const started = Date.now();
  await page.evaluate(`window.overture.identify('user-fast', { plan: 'gold', email: 'fast@example.com' })`);
  let traits: Record<string, unknown> | null = null;
  while (Date.now() - started < 20_000 && traits?.plan !== 'gold') {
    traits = await profileTraits('user-fast');
    if (traits?.plan !== 'gold') await new Promise((r) => setTimeout(r, 25));
  }
  const elapsed = Date.now() - started;
  console.log(`identify_to_profile_ms=${elapsed}`);
  expect(traits).toMatchObject({ plan: 'gold', email: 'fast@example.com' });
  await ctx.close();
});
