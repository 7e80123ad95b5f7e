// The SDK's web push in real Chromium: the service worker served by the API (through a copy at the
// site root), the soft ask, the subscription attempt, and the worker's notification and click report.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../testing';
import { launchChromium } from '../../sdk/browser-harness';
import { installSnippet } from '../../sdk/snippet';
import { selectRows } from '../../profiles/sql';
import { signClaims } from '../../templates';

let api: TestServer;
let site: Server;
let siteUrl: string;
let browser: Browser;

beforeAll(async () => {
  api = await startTestServer();
  site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // The one-line copy sites put at their root: it pulls the worker from the API (importScripts may cross origins).
    if (path === '/overture-sw.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(`importScripts(${JSON.stringify(`${api.url}/sdk/push-sw.js`)});`);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><title>Shop</title>${installSnippet({ writeKey: api.workspace.writeKey, host: api.url, options: { flushInterval: 100 } })}</head><body><h1>Shop</h1></body></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  // localhost (a secure context) and another origin than the API's 127.0.0.1
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  site?.closeAllConnections();
  await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
  await api?.close();
});

async function open(granted: boolean): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
  const context = await browser.newContext();
  if (granted) await context.grantPermissions(['notifications'], { origin: siteUrl });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(siteUrl);
  await page.waitForFunction('window.overture && window.overture.initialized === true');
  return { context, page, requests };
}

const pushEvents = () =>
  selectRows<{ result: string }>(api.app.clickhouse, `SELECT JSONExtractString(properties, 'result') AS result FROM events WHERE workspace_id = {ws:String} AND event = '$push_permission' ORDER BY timestamp`, { ws: api.workspace.id });

describe('web push in the SDK (Chromium)', () => {
  it('serves the push module with CORS and the worker with Service-Worker-Allowed', async () => {
    const mod = await fetch(`${api.url}/sdk/push.js`);
    expect(mod.status).toBe(200);
    expect(mod.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(mod.headers.get('access-control-allow-origin')).toBe('*');
    expect(await mod.text()).toContain('/v1/push/subscribe');
    const sw = await fetch(`${api.url}/sdk/push-sw.js`);
    expect(sw.headers.get('service-worker-allowed')).toBe('/');
    expect(await sw.text()).toContain('/v1/push/click');
  });

  it('shows the soft ask first; "Not now" is remembered and the browser prompt never opens', async () => {
    const { context, page, requests } = await open(false);
    const first = page.evaluate("overture.push.subscribe({ softAsk: { title: 'Restock alerts?' } })");
    const ask = page.locator('[data-overture-push-ask]');
    await ask.getByRole('dialog').waitFor();
    expect(await ask.getByRole('heading').textContent()).toBe('Restock alerts?');
    await ask.getByRole('button', { name: 'Not now' }).click();
    expect(await first).toBe('declined');
    expect(await ask.count()).toBe(0);
    expect(await page.evaluate('Notification.permission')).toBe('default');
    expect(await page.evaluate("localStorage.getItem('ov_push_declined')")).toMatch(/^\d+$/);
    // Asked again on a later page: no prompt at all.
    await page.reload();
    await page.waitForFunction('window.overture && window.overture.initialized === true');
    expect(await page.evaluate('overture.push.subscribe()')).toBe('declined');
    expect(await ask.count()).toBe(0);
    expect(await page.evaluate('overture.push.state()')).toBe('declined');
    // The module came from the API, lazily; nothing was subscribed.
    expect(requests).toContain('/sdk/push.js');
    expect(requests).not.toContain('/v1/push/subscribe');
    await page.evaluate('overture.flush()');
    await expect.poll(async () => (await pushEvents()).map((e) => e.result), { timeout: 10_000 }).toContain('dismissed');
    await context.close();
  });

  it('"Allow" on the soft ask opens the browser prompt inside the click and passes its answer on', async () => {
    const { context, page } = await open(false);
    const result = page.evaluate('overture.push.subscribe()');
    const ask = page.locator('[data-overture-push-ask]');
    await ask.getByRole('button', { name: 'Allow' }).click();
    // Headless Chromium answers the browser prompt itself (no one to click it): whatever it says is returned.
    const answer = await result;
    const permission = await page.evaluate('Notification.permission');
    console.log(`browser prompt in headless Chromium: permission=${String(permission)}, subscribe() -> ${String(answer)}`);
    expect(answer).toBe(permission === 'denied' ? 'denied' : 'unsubscribed');
    expect(await ask.count()).toBe(0);
    // A browser refusal is not a soft-ask decline: nothing remembered, and the browser's answer stands.
    expect(await page.evaluate("localStorage.getItem('ov_push_declined')")).toBeNull();
    await context.close();
  });

  it('registers the service worker, fetches the VAPID key and subscribes (or reports why the browser could not)', async () => {
    const { context, page, requests } = await open(true);
    const outcome = (await page.evaluate(`overture.push.subscribe().then((state) => ({ state, error: '' }), (err) => ({ state: '', error: err.name + ': ' + err.message }))`)) as { state: string; error: string };
    // Already granted: no soft ask.
    expect(await page.locator('[data-overture-push-ask]').count()).toBe(0);
    const reg = (await page.evaluate(`navigator.serviceWorker.getRegistration('/').then((r) => ({ scope: r && r.scope, active: r && r.active && r.active.state, script: r && r.active && r.active.scriptURL }))`)) as Record<string, string>;
    expect(reg.scope).toBe(`${siteUrl}/`);
    expect(reg.active).toBe('activated');
    expect(reg.script).toBe(`${siteUrl}/overture-sw.js?h=${encodeURIComponent(api.url)}`);
    expect(requests).toContain('/v1/push/vapid-key');
    const stored = await api.app.postgres.db.selectFrom('push_subscriptions').select(['endpoint']).where('workspace_id', '=', api.workspace.id).execute();
    if (outcome.state === 'subscribed') {
      // A browser that reaches its push service: the subscription is stored for the visitor.
      expect(requests).toContain('/v1/push/subscribe');
      expect(stored).toHaveLength(1);
      expect(stored[0]!.endpoint).toMatch(/^https:\/\//);
    } else {
      // Headless Chromium without its vendor's push service (no network here) refuses the
      // subscription itself: the SDK passes the browser's error on and stores nothing.
      expect(outcome.error).toMatch(/^AbortError: Registration failed/);
      expect(requests).not.toContain('/v1/push/subscribe');
      expect(stored).toHaveLength(0);
    }
    console.log(`PushManager.subscribe in this Chromium: ${outcome.state || outcome.error}`);
    await context.close();
  });

  it('the worker shows a pushed notification and reports its click to the API', async () => {
    const { context, page } = await open(true);
    await page.evaluate('overture.push.subscribe().catch(() => undefined)');
    const cdp = await context.newCDPSession(page);
    const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: typeof registrations }) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    await expect.poll(() => registrations.find((r) => r.scopeURL === `${siteUrl}/`)?.registrationId, { timeout: 5_000 }).toBeTruthy();
    const registrationId = registrations.find((r) => r.scopeURL === `${siteUrl}/`)!.registrationId;

    const messageId = `m-browser-${Date.now()}`;
    const claims = { w: api.workspace.id, m: messageId, p: 'p-browser', c: 'web_push', t: 'tpl-browser' };
    const payload = { title: 'Blue mug is back', body: 'In stock again', url: `${api.url}/t/c/x`, track: signClaims(api.app.config.secret, claims), messageId };
    // Chromium delivers the data to the worker's push event as its push service would (after decryption).
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: siteUrl, registrationId, data: JSON.stringify(payload) });
    const shown = () => page.evaluate(`navigator.serviceWorker.getRegistration('/').then((r) => r.getNotifications()).then((ns) => ns.map((n) => ({ title: n.title, body: n.body, tag: n.tag })))`);
    await expect.poll(shown, { timeout: 5_000 }).toEqual([{ title: 'Blue mug is back', body: 'In stock again', tag: messageId }]);

    // Headless Chromium has no notification UI to click: the worker gets the click event its handler would.
    const worker = context.serviceWorkers().find((w) => w.url().startsWith(`${siteUrl}/overture-sw.js`))!;
    expect(worker).toBeTruthy();
    // (waitUntil refuses a synthetic event; the handler has started its requests by then.)
    await worker.evaluate(`self.registration.getNotifications().then(([notification]) => {
      try { self.dispatchEvent(new NotificationEvent('notificationclick', { notification })); } catch (e) { return String(e); }
    })`);
    const clicks = () => selectRows<{ kind: string; profile_id: string }>(api.app.clickhouse, `SELECT kind, profile_id FROM message_events WHERE workspace_id = {ws:String} AND message_id = {m:String}`, { ws: api.workspace.id, m: messageId });
    await expect.poll(clicks, { timeout: 10_000 }).toEqual([{ kind: 'click', profile_id: 'p-browser' }]);
    await expect.poll(shown, { timeout: 5_000 }).toEqual([]);
    await context.close();
  });
});
