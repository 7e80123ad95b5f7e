// The SDK's web push in real Chromium: the service worker served by the API (through a copy at the
// site root), the soft ask, the subscription (Chromium registering with a local stand-in for its
// vendor's push registration service, fake-gcm.ts), and the worker's notification and click report.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../testing';
import { launchChromium, launchChromiumProfile } from '../../testing/browser-harness';
import { installSnippet } from '../../sdk/snippet';
import { selectRows } from '../../stores/clickhouse/sql';
import { signClaims } from '../../templates';
import { vapidKeysOf } from './vapid';
import { startFakeGcm } from '../../testing/fake-gcm';
import { subscriptionId } from './subscriptions';

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

async function open(granted: boolean, inContext?: BrowserContext): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
  const context = inContext ?? (await browser.newContext());
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

  it('registers the service worker, fetches the VAPID key, and Chromium subscribes through its push registration service; the subscription is stored', async () => {
    // Chromium on a regular profile (push is refused off the record) whose GCM client registers
    // with a local stand-in for Google's service: offline, the real one never answers.
    const gcm = await startFakeGcm();
    const profileDir = await mkdtemp(join(tmpdir(), 'overture-push-'));
    const pushBrowser = await launchChromiumProfile(profileDir, gcm.args);
    try {
      const { page, requests } = await open(true, pushBrowser);
      const answers: Array<Promise<{ profileId: string }>> = [];
      page.on('response', (r) => void (r.url() === `${api.url}/v1/push/subscribe` && answers.push(r.json() as Promise<{ profileId: string }>)));
      const state = await page.evaluate(`overture.push.subscribe().catch((err) => err.name + ': ' + err.message)`);
      expect(state).toBe('subscribed');
      expect(answers).toHaveLength(1);
      const answer = await answers[0]!;
      // Already granted: no soft ask.
      expect(await page.locator('[data-overture-push-ask]').count()).toBe(0);
      const reg = (await page.evaluate(`navigator.serviceWorker.getRegistration('/').then((r) => ({ scope: r && r.scope, active: r && r.active && r.active.state, script: r && r.active && r.active.scriptURL }))`)) as Record<string, string>;
      expect(reg.scope).toBe(`${siteUrl}/`);
      expect(reg.active).toBe('activated');
      expect(reg.script).toBe(`${siteUrl}/overture-sw.js?h=${encodeURIComponent(api.url)}&k=${api.workspace.writeKey}`);
      expect(requests).toContain('/v1/push/vapid-key');
      expect(requests).toContain('/v1/push/subscribe');

      // Chromium checked in and registered for this origin with the workspace's VAPID key as sender.
      const { publicKey } = await vapidKeysOf(api.app, api.workspace.id);
      expect(gcm.checkins).toBeGreaterThanOrEqual(1);
      const registrations = gcm.registrations.filter((r) => r.params['X-subtype']?.startsWith(`wp:${siteUrl}/#`));
      expect(registrations).toHaveLength(1);
      const registration = registrations[0]!;
      expect(registration.params.sender).toBe(publicKey);
      expect(registration.params.device).toBe(String(gcm.androidId));
      expect(registration.authorization).toBe(`AidLogin ${gcm.androidId}:${gcm.securityToken}`);

      // The browser's subscription (endpoint built from the issued token, its keys) is the row stored for the visitor.
      const sub = (await page.evaluate(`navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription()).then((s) => s && s.toJSON())`)) as { endpoint: string; keys: { p256dh: string; auth: string } } | null;
      expect(sub?.endpoint).toMatch(/^https:\/\/[^/]+\/.+/);
      expect(sub?.endpoint.endsWith(`/${registration.token}`)).toBe(true);
      const rows = await api.app.postgres.db.selectFrom('push_subscriptions').select(['endpoint', 'p256dh', 'auth', 'profile_id']).where('workspace_id', '=', api.workspace.id).execute();
      expect(rows).toEqual([{ endpoint: sub!.endpoint, p256dh: sub!.keys.p256dh, auth: sub!.keys.auth, profile_id: answer.profileId }]);
      expect(Buffer.from(rows[0]!.p256dh, 'base64url')).toHaveLength(65);
      expect(Buffer.from(rows[0]!.auth, 'base64url')).toHaveLength(16);
      console.log(`PushManager.subscribe in Chromium with a local GCM: ${sub!.endpoint}`);

      // The push service renews a subscription while no page is open: the worker reports the new one,
      // which takes over the old one's profile. (Chromium cannot be made to renew on cue: the event is dispatched.)
      const oldEndpoint = `${sub!.endpoint}-expired`;
      await api.app.postgres.db.updateTable('push_subscriptions').set({ endpoint: oldEndpoint, id: subscriptionId(api.workspace.id, oldEndpoint) }).where('workspace_id', '=', api.workspace.id).execute();
      const worker = pushBrowser.serviceWorkers().find((w) => w.url().startsWith(`${siteUrl}/overture-sw.js`))!;
      await worker.evaluate(`self.registration.pushManager.getSubscription().then((current) => {
        const e = new ExtendableEvent('pushsubscriptionchange');
        Object.defineProperty(e, 'oldSubscription', { value: { endpoint: ${JSON.stringify(oldEndpoint)}, options: current.options } });
        Object.defineProperty(e, 'newSubscription', { value: current });
        self.dispatchEvent(e);
      })`);
      const renewed = () => api.app.postgres.db.selectFrom('push_subscriptions').select(['endpoint', 'profile_id']).where('workspace_id', '=', api.workspace.id).execute();
      await expect.poll(renewed, { timeout: 10_000 }).toEqual([{ endpoint: sub!.endpoint, profile_id: answer.profileId }]);
    } finally {
      await pushBrowser.close();
      await gcm.close();
      await rm(profileDir, { recursive: true, force: true });
    }
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
    const payload = { title: 'Blue mug is back', body: 'In stock again', url: `${api.url}/t/c/x`, track: signClaims(api.app.config.secret, 'click', claims), messageId };
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
