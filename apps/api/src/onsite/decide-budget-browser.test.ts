import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../sdk/browser-harness';
import { ingest } from '../profiles/test-helpers';
import { createSegment, refreshSegment } from '../segments';
import { savePlacement } from './index';

// Decide with production's kind of budget, but tiny: a first page view is answered before the
// visitor's facts arrive (`partial`), and the SDK asks once more on the same page to get the
// personal placements, without showing the first answer's placements twice.
let site: Site;
beforeAll(async () => {
  site = await startSite({ env: { DECIDE_BUDGET_MS: '1' } });
}, 120_000);
afterAll(() => site?.close());

describe('decide budget in the browser', () => {
  it('shows what needs no profile at once and the segment placement after asking again', async () => {
    const app = site.api.app;
    const ws = site.workspace;
    await ingest(app, ws.id, [{ type: 'identify', userId: 'vip-late', traits: { first_name: 'Lena', tier: 'vip' } }]);
    const vip = await createSegment(app, ws.id, { name: 'VIP', definition: { type: 'trait', trait: 'tier', op: 'eq', value: 'vip' } });
    await refreshSegment(app, vip);
    await savePlacement(app, ws.id, { name: 'Everyone', kind: 'top_bar', content: '<b>Free delivery</b>' });
    await savePlacement(app, ws.id, { name: 'VIP deal', kind: 'slide_in', content: '<p>Hi {{ profile.traits.first_name }}, 20% off</p>', rules: { segments: [vip.id] } });
    site.page('/products/*', site.html(`<h1>Mug</h1><script>overture.identify('vip-late')</script>`, { onsite: true }));

    const ctx = await site.newContext();
    const page = await ctx.newPage();
    const answers: Array<{ partial?: boolean; placements: Array<{ kind: string }> }> = [];
    page.on('response', (r) => void (r.url().endsWith('/v1/decide') && r.json().then((b: (typeof answers)[number]) => answers.push(b))));
    await page.goto(`${site.url}/products/mug`);

    await page.locator('[data-overture-placement="slide_in"]').locator('text=Hi Lena, 20% off').waitFor({ timeout: 10_000 });
    expect(answers).toHaveLength(2);
    // The first answer came before the look-up (1 ms is less than any store query): only the top bar.
    expect(answers[0]).toMatchObject({ partial: true, placements: [{ kind: 'top_bar' }] });
    expect(answers[1]!.partial).toBeUndefined();
    expect(answers[1]!.placements.map((p) => p.kind).sort()).toEqual(['slide_in', 'top_bar']);
    // Asked twice, shown once.
    expect(await page.locator('[data-overture-placement="top_bar"]').count()).toBe(1);
    await page.waitForTimeout(600);
    expect(answers).toHaveLength(2);
    await ctx.close();
  });
});
