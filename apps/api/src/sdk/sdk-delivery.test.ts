import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { duplicateRows, named, startSite, type Site } from '../testing/browser-harness';

// Identity, consent and delivery of the browser SDK in Chromium against the real API; assertions on
// what landed in ClickHouse.
let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(() => site?.close());
beforeEach(() => site.fresh());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Sdk = { track(e: string, p?: object): void; identify(id: string, t?: object): void; consent(c: object): object; reset(): void; flush(): Promise<void> };
const sdk = (page: Page, fn: (o: Sdk) => unknown) => page.evaluate(`(${fn.toString()})(window.overture)`);

describe('browser SDK identity and consent', () => {
  it('carries identify across pages and starts over on reset', async () => {
    site.page('/one', site.html('<a href="/two">next</a>'));
    site.page('/two', site.html('<p>two</p>'));
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.url}/one`);
    await page.waitForFunction('window.overture && window.overture.initialized');
    await sdk(page, (o) => o.identify('user-42', { plan: 'pro', email: 'ada@example.com' }));
    await page.click('a');
    await page.waitForURL('**/two');
    await page.waitForFunction('window.overture && window.overture.initialized');
    await sdk(page, (o) => {
      o.track('Before Reset');
      o.reset();
      o.track('After Reset');
    });
    const events = await site.waitFor((ev) => named(ev, 'After Reset').length === 1);
    const [first, second] = named(events, 'page');
    const identify = named(events, 'identify')[0]!;
    expect(identify).toMatchObject({ user_id: 'user-42', anonymous_id: first!.anonymous_id, traits: { plan: 'pro', email: 'ada@example.com' } });
    expect(second).toMatchObject({ user_id: 'user-42', anonymous_id: first!.anonymous_id });
    expect(second!.context.page!.path).toBe('/two');
    expect(named(events, 'Before Reset')[0]!.user_id).toBe('user-42');
    const after = named(events, 'After Reset')[0]!;
    expect(after.user_id).toBe('');
    expect(after.anonymous_id).not.toBe(first!.anonymous_id);
    expect(after.context.sessionId).not.toBe(first!.context.sessionId);
    // Identity cookies stay small.
    const cookies = await ctx.cookies();
    expect(cookies.reduce((n, c) => n + c.name.length + c.value.length, 0)).toBeLessThan(1500);
    await ctx.close();
  });

  it('loads the identity without blocking init, stamps calls made meanwhile, and keeps it across page loads', async () => {
    // The identity cookies are read with the Cookie Store API, held back here until the test releases
    // them, so calls certainly come before they are loaded; `/legacy` is a browser without that API.
    site.page('/id/*', site.html('<p>id</p>'));
    const ctx = await site.newContext();
    await ctx.addInitScript(`if (location.pathname.endsWith('/legacy')) delete Window.prototype.cookieStore;
      else { const getAll = CookieStore.prototype.getAll;
        CookieStore.prototype.getAll = function (...a) { return new Promise((r) => (window.releaseJar = r)).then(() => getAll.apply(this, a)).finally(() => (window.jarLoaded = true)); }; }`);
    const page = await ctx.newPage();
    /** Tracks `name` while the jar is held (true if it was), then lets it load. */
    const early = async (name: string) => {
      await page.waitForFunction('window.overture && window.overture.initialized && window.releaseJar');
      const held = await page.evaluate(`overture.track(${JSON.stringify(name)}); !window.jarLoaded`);
      await page.evaluate('window.releaseJar()');
      await page.waitForFunction('window.jarLoaded');
      return held;
    };
    await page.goto(`${site.url}/id/one`);
    expect(await early('Early One')).toBe(true);
    await sdk(page, (o) => o.identify('user-9'));
    await page.goto(`${site.url}/id/two`);
    expect(await early('Early Two')).toBe(true);
    await page.goto(`${site.url}/id/legacy`);
    await page.waitForFunction('window.overture && window.overture.initialized');
    await sdk(page, (o) => o.track('Legacy'));
    const events = await site.waitFor((ev) => named(ev, 'Legacy').length === 1);
    const [one, two] = named(events, 'page');
    const anonymousId = one!.anonymous_id;
    // A new visitor's id is made once: the first page view and the call made before it was loaded share it.
    expect(anonymousId).toMatch(/^[0-9a-f-]{36}$/);
    expect(named(events, 'Early One')[0]).toMatchObject({ anonymous_id: anonymousId, user_id: '', context: { sessionId: one!.context.sessionId } });
    for (const e of [two!, named(events, 'Early Two')[0]!, named(events, 'Legacy')[0]!]) {
      expect(e).toMatchObject({ anonymous_id: anonymousId, user_id: 'user-9', context: { sessionId: one!.context.sessionId } });
    }
    expect(new Set(events.map((e) => e.anonymous_id))).toEqual(new Set([anonymousId]));
    const idCookie = (await ctx.cookies()).find((c) => c.name === 'ov_id');
    expect(JSON.parse(decodeURIComponent(idCookie!.value))).toMatchObject({ a: anonymousId, u: 'user-9' });
    await ctx.close();
  });

  it('captures and stores nothing until consent, and stops when it is withdrawn', async () => {
    site.page('/consent', site.html('<button id="b">Buy</button>', { requireConsent: true }));
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.url}/consent`);
    await page.waitForFunction('window.overture && window.overture.initialized');
    await sdk(page, (o) => o.track('Before Consent'));
    await page.click('#b');
    await sleep(1200);
    expect(await site.events()).toEqual([]);
    expect((await ctx.cookies()).map((c) => c.name)).toEqual([]);
    expect(await page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('ov'))")).toEqual([]);

    await sdk(page, (o) => {
      o.consent({ analytics: true, marketing: false });
      o.track('After Consent');
    });
    await site.waitFor((ev) => named(ev, 'After Consent').length === 1);
    // Remembered on the next page view, without asking again.
    await page.reload();
    await site.waitFor((ev) => named(ev, 'page').length === 2);
    await page.waitForFunction('window.overture && window.overture.initialized');
    await sdk(page, (o) => {
      o.consent({ analytics: false });
      o.track('After Withdrawal');
    });
    await page.click('#b');
    await sleep(1200);

    const events = await site.events();
    expect(named(events, 'Before Consent')).toEqual([]);
    expect(named(events, 'After Withdrawal')).toEqual([]);
    expect(named(events, '$click')).toEqual([]);
    expect(named(events, 'After Consent')[0]!.context.consent).toEqual({ analytics: true, marketing: false });
    expect((await ctx.cookies()).map((c) => c.name)).toEqual(['ov_consent']);
    await ctx.close();
  });

  it('honours Global Privacy Control for marketing when configured', async () => {
    site.page('/gpc', site.html('<p>gpc</p>', { respectGpc: true }));
    const ctx = await site.newContext();
    await ctx.addInitScript("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })");
    const page = await ctx.newPage();
    await page.goto(`${site.url}/gpc`);
    await page.waitForFunction('window.overture && window.overture.initialized');
    await sdk(page, (o) => o.consent({ analytics: true, marketing: true }));
    await sdk(page, (o) => o.track('With GPC'));
    const events = await site.waitFor((ev) => named(ev, 'With GPC').length === 1);
    expect(named(events, 'With GPC')[0]!.context.consent).toEqual({ analytics: true, marketing: false });
    await ctx.close();
  });
});

describe('browser SDK delivery', () => {
  it('keeps events while offline and delivers them once back online', async () => {
    site.page('/offline', site.html('<p>offline</p>'));
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.url}/offline`);
    await site.waitFor((ev) => named(ev, 'page').length === 1);
    await ctx.setOffline(true);
    await sdk(page, (o) => {
      o.track('Offline 1');
      o.track('Offline 2');
    });
    await sleep(1500);
    expect(named(await site.events(), 'Offline 1')).toEqual([]);
    const stored = await page.evaluate<string>("Object.entries(localStorage).filter(([k]) => k.startsWith('ovq_')).map(([, v]) => v).join()");
    expect(stored).toContain('Offline 2');
    await ctx.setOffline(false);
    const events = await site.waitFor((ev) => named(ev, 'Offline 2').length === 1);
    expect(named(events, 'Offline 1')).toHaveLength(1);
    await sleep(500);
    expect(await page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('ovq_'))")).toEqual([]);
    expect(await duplicateRows(site)).toBe(0);
    await ctx.close();
  });

  it('sends what is queued when the page is left', async () => {
    // Batching that would hold events for a minute: only the page-leave flush can deliver them in time.
    site.page('/leave', site.html('<a href="/next">next</a>', { flushInterval: 60000, flushAt: 1000 }));
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.url}/leave`);
    await page.waitForFunction('window.overture && window.overture.initialized');
    // The first page view goes at once (someone may be waiting for it); what follows is batched.
    await site.waitFor((ev) => named(ev, 'page').length === 1);
    await sdk(page, (o) => o.track('Queued Before Leaving', { n: 1 }));
    await sleep(800);
    expect((await site.events()).map((e) => e.type)).toEqual(['page']);
    await page.goto(`${site.url}/nowhere`);
    const events = await site.waitFor((ev) => named(ev, '$pageleave').length === 1);
    await sleep(800);
    const again = await site.events();
    expect(again.map((e) => (e.type === 'track' ? e.event : e.type)).sort()).toEqual(['$pageleave', 'Queued Before Leaving', 'page']);
    expect(again).toHaveLength(events.length);
    expect(await duplicateRows(site)).toBe(0);
    await ctx.close();
  });

  it('retries after a 503 honouring Retry-After, and drops what the server refuses for good', async () => {
    site.page('/retry', site.html('<p>retry</p>', { flushInterval: 100 }));
    const ctx = await site.newContext();
    const page = await ctx.newPage();
    const attempts: number[] = [];
    let refused = false;
    await page.route('**/v1/batch', async (route) => {
      const body = route.request().postData() ?? '';
      if (body.includes('Refused For Good') && !refused) {
        refused = true;
        return route.fulfill({ status: 400, body: '{"success":false}', headers: { 'access-control-allow-origin': '*' } });
      }
      if (!body.includes('Retry Me')) return route.continue();
      attempts.push(Date.now());
      if (attempts.length === 1) return route.fulfill({ status: 503, body: '{}', headers: { 'retry-after': '2', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'retry-after' } });
      return route.continue();
    });
    await page.goto(`${site.url}/retry`);
    await site.waitFor((ev) => named(ev, 'page').length === 1);
    await sdk(page, (o) => o.track('Refused For Good'));
    await sleep(600);
    await sdk(page, (o) => o.track('Retry Me'));
    const events = await site.waitFor((ev) => named(ev, 'Retry Me').length === 1);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1900);
    expect(named(events, 'Refused For Good')).toEqual([]);
    await ctx.close();
  });
});
