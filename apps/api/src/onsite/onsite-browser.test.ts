import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSite, type Site } from '../testing/browser-harness';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { createSegment, refreshSegment } from '../segments';
import { selectRows } from '../stores/clickhouse/sql';
import { savePlacement } from './index';

// The onsite renderer in Debian's Chromium on a site of another origin, against the real API:
// decide, shadow-DOM rendering, click reporting into ClickHouse, and sanitising.
let site: Site;
beforeAll(async () => {
  site = await startSite();
}, 120_000);
afterAll(() => site?.close());

/** Loads a page as `userId` and waits for its decide answer. */
async function visit(path: string, userId: string): Promise<{ page: Page; placements: unknown[] }> {
  const ctx = await site.newContext();
  const page = await ctx.newPage();
  const decided = page.waitForResponse((r) => r.url().endsWith('/v1/decide'));
  await page.goto(`${site.url}${path}?u=${encodeURIComponent(userId)}`);
  const res = await decided;
  const body = (await res.json()) as { placements: unknown[] };
  return { page, placements: body.placements };
}

const pageHtml = (body: string) => site.html(`${body}<script>overture.identify(new URLSearchParams(location.search).get('u'))</script>`, { onsite: true });

describe('onsite in the browser', () => {
  it('shows a segment member a slide-in on a product page and records the click; others see nothing', async () => {
    const app = site.api.app;
    const ws = site.workspace;
    await ingest(app, ws.id, [
      { type: 'identify', userId: 'vip-1', traits: { first_name: 'Vera', tier: 'vip' } },
      { type: 'identify', userId: 'plain-1', traits: { first_name: 'Paul', tier: 'basic' } },
    ]);
    const vip = await createSegment(app, ws.id, { name: 'VIP', definition: { type: 'trait', trait: 'tier', op: 'eq', value: 'vip' } });
    await refreshSegment(app, vip);
    await savePlacement(app, ws.id, {
      name: 'VIP deal',
      kind: 'slide_in',
      content: `<p class="hi">Hi {{ profile.traits.first_name }}, 20% off for you</p><a id="deal" href="${site.url}/deal">See the deal</a>`,
      rules: { urls: ['/products/*'], segments: [vip.id] },
    });
    site.page('/products/*', pageHtml('<h1>Mug</h1><style>p { color: rgb(255, 0, 0) }</style>'));
    site.page('/deal', '<!doctype html><p>deal</p>');

    const { page, placements } = await visit('/products/mug', 'vip-1');
    expect(placements).toHaveLength(1);
    const slideIn = page.locator('[data-overture-placement="slide_in"]');
    await slideIn.locator('text=Hi Vera, 20% off for you').waitFor();
    // Shadow DOM: the page's own `p { color: red }` does not reach the placement.
    expect(await slideIn.locator('p.hi').evaluate('(el) => getComputedStyle(el).color')).not.toBe('rgb(255, 0, 0)');
    await slideIn.locator('#deal').click();
    await page.waitForURL(`${site.url}/deal`);

    const profileId = await resolveProfileId(app, ws.id, { userId: 'vip-1' });
    let kinds: string[] = [];
    for (let i = 0; i < 100 && !kinds.includes('click'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      kinds = (await selectRows<{ kind: string }>(app.clickhouse, `SELECT kind FROM message_events WHERE workspace_id = {ws:String} AND profile_id = {p:String} AND channel = 'onsite' ORDER BY kind`, { ws: ws.id, p: profileId })).map((r) => r.kind);
    }
    expect(kinds).toEqual(['click', 'impression']);

    const other = await visit('/products/mug', 'plain-1');
    expect(other.placements).toEqual([]);
    await other.page.waitForTimeout(300);
    expect(await other.page.locator('[data-overture-placement]').count()).toBe(0);
    await page.context().close();
    await other.page.context().close();
  });

  it('renders an XSS payload in a template inert', async () => {
    await site.fresh();
    const app = site.api.app;
    await ingest(app, site.workspace.id, [{ type: 'identify', userId: 'mallory', traits: { first_name: '<img src=x onerror="window.__xss=\'trait\'">' } }]);
    await savePlacement(app, site.workspace.id, {
      name: 'Payload',
      kind: 'modal',
      content: [
        '<p id="hello">Hello {{ profile.traits.first_name }}</p>',
        '<script>window.__xss = "script"</script>',
        '<img src="x.png" onerror="window.__xss = \'onerror\'">',
        '<a id="js" href="javascript:window.__xss = \'href\'">go</a>',
        '<a id="js2" href=" jav&#x09;ascript:window.__xss = \'href2\'">go2</a>',
        '<svg><animate onbegin="window.__xss = \'svg\'" attributeName="x" dur="1s"></animate></svg>',
        '<iframe srcdoc="<script>parent.__xss = \'iframe\'</script>"></iframe>',
        '<div onmouseover="window.__xss = \'hover\'" id="hover">hover me</div>',
      ].join(''),
    });
    site.page('/xss', pageHtml('<h1>Shop</h1>'));
    const { page, placements } = await visit('/xss', 'mallory');
    expect(placements).toHaveLength(1);
    const modal = page.locator('[data-overture-placement="modal"]');
    await modal.locator('#hello').waitFor();
    expect(await modal.locator('#hello').textContent()).toContain('<img src=x'); // shown as text, not markup
    const flag = () => page.evaluate('window.__xss');
    await page.waitForTimeout(300); // time for an image error or an SVG animation to fire
    expect(await flag()).toBeUndefined();
    await modal.locator('#hover').hover();
    expect(await flag()).toBeUndefined();
    await modal.locator('#js').click();
    await page.waitForTimeout(100);
    expect(await flag()).toBeUndefined();
    await modal.locator('#js2').click();
    await page.waitForTimeout(100);
    expect(await flag()).toBeUndefined();
    expect(await page.evaluate(`document.querySelector('[data-overture-placement]').shadowRoot.querySelectorAll('script,iframe,svg,[onerror],[onmouseover]').length`)).toBe(0);
    await page.context().close();
  });

  it('fills inline slots, swaps a CTA, waits for a scroll trigger and records a dismissal', async () => {
    await site.fresh();
    const app = site.api.app;
    const ws = site.workspace;
    await ingest(app, ws.id, [{ type: 'identify', userId: 'ina', traits: { first_name: 'Ina' } }]);
    await savePlacement(app, ws.id, { name: 'Hero', kind: 'inline', target: 'hero', content: '<h2>Spring sale</h2>' });
    await savePlacement(app, ws.id, { name: 'Buy', kind: 'cta', target: '#buy', content: 'Buy now, {{ traits.first_name }}', href: `${site.url}/checkout` });
    await savePlacement(app, ws.id, { name: 'Half way', kind: 'modal', content: '<p>Half way there</p>', rules: { scrollPercent: 50 } });
    site.page('/landing', pageHtml('<div data-overture-slot="hero"><p>Default hero</p></div><a id="buy" href="/old">Buy</a><div style="height:4000px"></div>'));
    const { page, placements } = await visit('/landing', 'ina');
    expect(placements).toHaveLength(3);
    await page.locator('[data-overture-slot="hero"] [data-overture-placement="inline"]').locator('text=Spring sale').waitFor();
    expect(await page.locator('text=Default hero').count()).toBe(0);
    await page.waitForFunction(`document.getElementById('buy').textContent === 'Buy now, Ina'`);
    expect(await page.getAttribute('#buy', 'href')).toBe(`${site.url}/checkout`);
    // The modal waits for half the page to be scrolled.
    await page.waitForTimeout(300);
    expect(await page.locator('[data-overture-placement="modal"]').count()).toBe(0);
    await page.evaluate('scrollTo(0, document.documentElement.scrollHeight)');
    const modal = page.locator('[data-overture-placement="modal"]');
    await modal.locator('text=Half way there').waitFor();
    await modal.locator('button.x').click();
    expect(await modal.count()).toBe(0);

    const profileId = await resolveProfileId(app, ws.id, { userId: 'ina' });
    const count = async () =>
      (await selectRows<{ template_id: string; kind: string }>(app.clickhouse, `SELECT template_id, kind FROM message_events WHERE workspace_id = {ws:String} AND profile_id = {p:String} AND channel = 'onsite'`, { ws: ws.id, p: profileId })).map((r) => r.kind);
    let kinds: string[] = [];
    for (let i = 0; i < 100 && !kinds.includes('dismiss'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      kinds = await count();
    }
    expect(kinds.sort()).toEqual(['dismiss', 'impression', 'impression', 'impression']);
    await page.context().close();
    // The next page view: the dismissed modal stays away (for its dismissDays, 7 by default), the rest is back.
    const again = await visit('/landing', 'ina');
    expect((again.placements as Array<{ kind: string }>).map((p) => p.kind).sort()).toEqual(['cta', 'inline']);
    await again.page.context().close();
  });

  it('asks for nothing until marketing consent is given where consent is required', async () => {
    await site.fresh();
    await savePlacement(site.api.app, site.workspace.id, { name: 'Bar', kind: 'top_bar', content: '<p>Welcome</p>' });
    site.page('/consent', site.html('<h1>Shop</h1>', { onsite: true, requireConsent: true }));
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    let decides = 0;
    page.on('request', (r) => void (r.url().endsWith('/v1/decide') && decides++));
    await page.goto(`${site.url}/consent`);
    await page.waitForTimeout(1000);
    expect(decides).toBe(0);
    await page.evaluate('overture.consent({ analytics: true })');
    await page.waitForTimeout(500);
    expect(decides).toBe(0); // analytics alone is not marketing
    await page.evaluate('overture.consent({ marketing: true }); overture.page()');
    await page.locator('[data-overture-placement="top_bar"]').locator('text=Welcome').waitFor();
    expect(decides).toBe(1);
    // The bar pushes the page down instead of covering its top, and gives the room back when closed.
    const bar = (await page.locator('[data-overture-placement="top_bar"]').locator('.b').boundingBox())!;
    const heading = async () => (await page.locator('h1').boundingBox())!.y;
    expect(bar.y).toBe(0);
    expect(await heading()).toBeGreaterThanOrEqual(bar.height);
    await page.locator('[data-overture-placement="top_bar"]').getByRole('button', { name: 'Close' }).click();
    await page.locator('[data-overture-placement="top_bar"]').waitFor({ state: 'detached' });
    expect(await heading()).toBeLessThan(bar.height);
    await ctx.close();
  });
});
