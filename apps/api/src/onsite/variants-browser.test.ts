import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { experimentHash, variantForHash } from '@overture/journeys';
import { startSite, type Site } from '../testing/browser-harness';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { savePlacement } from './index';

// Placement variants in Debian's Chromium on a site of another origin, against the real API: the
// SDK renders the visitor's variant (its content and layout), a control visitor sees nothing, and
// the impression is attributed to the variant.
let site: Site;
beforeAll(async () => {
  site = await startSite();
}, 120_000);
afterAll(() => site?.close());

async function visit(path: string, userId: string): Promise<{ page: Page; placements: Array<{ kind: string }> }> {
  const ctx = await site.newContext();
  const page = await ctx.newPage();
  const decided = page.waitForResponse((r) => r.url().endsWith('/v1/decide'));
  await page.goto(`${site.url}${path}?u=${encodeURIComponent(userId)}`);
  const body = (await (await decided).json()) as { placements: Array<{ kind: string }> };
  return { page, placements: body.placements };
}

describe('placement variants in the browser', () => {
  it('renders each visitor the content and layout of their variant, and nothing for the control', async () => {
    const app = site.api.app;
    const ws = site.workspace;
    const users = Array.from({ length: 30 }, (_, i) => `shopper-${i}`);
    await ingest(app, ws.id, users.map((u) => ({ type: 'identify' as const, userId: u })));
    const p = await savePlacement(app, ws.id, {
      name: 'Spring promo',
      kind: 'slide_in',
      content: '<p class="offer">Base</p>',
      rules: { urls: ['/shop'] },
      variants: [
        { name: 'Nothing', control: true },
        { name: 'Blue', content: '<p class="offer">Blue offer</p>' },
        { name: 'Green', content: '<p class="offer">Green offer</p>', layout: 'top_bar' },
      ],
    });
    site.page('/shop', site.html(`<h1>Shop</h1><script>overture.identify(new URLSearchParams(location.search).get('u'))</script>`, { onsite: true }));

    // One shopper per variant, found by the documented hash over their profile ids.
    const byVariant = new Map<string, { user: string; profileId: string }>();
    for (const u of users) {
      const profileId = await resolveProfileId(app, ws.id, { userId: u });
      const v = p.variants[variantForHash(experimentHash(`onsite:${p.id}`, profileId), p.variants.map((x) => x.weight))]!;
      if (!byVariant.has(v.name)) byVariant.set(v.name, { user: u, profileId });
    }
    expect([...byVariant.keys()].sort()).toEqual(['Blue', 'Green', 'Nothing']);

    const blue = await visit('/shop', byVariant.get('Blue')!.user);
    await blue.page.locator('[data-overture-placement="slide_in"]').locator('text=Blue offer').waitFor();
    expect(await blue.page.locator('[data-overture-placement]').count()).toBe(1);

    const green = await visit('/shop', byVariant.get('Green')!.user);
    await green.page.locator('[data-overture-placement="top_bar"]').locator('text=Green offer').waitFor();
    expect(await green.page.locator('[data-overture-placement]').count()).toBe(1);

    const none = await visit('/shop', byVariant.get('Nothing')!.user);
    expect(none.placements).toEqual([]);
    expect(await none.page.locator('[data-overture-placement]').count()).toBe(0);

    // The SDK's impression report carries the variant into the message analytics.
    const variantsShown = () =>
      selectRows<{ profile_id: string; variant: string }>(app.clickhouse, `SELECT profile_id, variant FROM message_events WHERE workspace_id = {ws:String} AND template_id = {p:String} AND kind = 'impression' ORDER BY variant`, { ws: ws.id, p: p.id });
    await expect.poll(variantsShown, { timeout: 10_000 }).toEqual([
      { profile_id: byVariant.get('Blue')!.profileId, variant: 'Blue' },
      { profile_id: byVariant.get('Green')!.profileId, variant: 'Green' },
    ]);
    for (const v of [blue, green, none]) await v.page.context().close();
  });
});
