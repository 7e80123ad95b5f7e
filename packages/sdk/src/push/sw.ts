// The push service worker, served by the API at `/sdk/push-sw.js`. Sites whose pages are on another
// origin than the API put a copy at their root (`/overture-sw.js`): a service worker must be
// same-origin with the page and controls only paths below its own.
//
// The API's payload (see apps/api channels/push/send.ts): { title, body, url, track, messageId }.
// `url` is the tracked redirect to the destination; `track` is reported to `POST /v1/push/click`.

interface Payload {
  title?: string;
  body?: string;
  url?: string;
  track?: string;
  messageId?: string;
  icon?: string;
}
interface WaitUntil extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface PushEvt extends WaitUntil {
  data: { json(): unknown; text(): string } | null;
}
interface ClickEvt extends WaitUntil {
  notification: Notification & { data: Payload | null };
}
interface SubscriptionChangeEvt extends WaitUntil {
  oldSubscription: PushSubscription | null;
  newSubscription: PushSubscription | null;
}
interface Worker {
  location: Location;
  registration: ServiceWorkerRegistration;
  clients: { claim(): Promise<void>; openWindow(url: string): Promise<unknown> };
  skipWaiting(): Promise<void>;
  addEventListener(type: string, fn: (e: never) => void): void;
}

const sw = self as unknown as Worker;
/** The API's base URL, from `?h=` on the worker's URL (set by the SDK when it registers it). */
const api = new URL(sw.location.href).searchParams.get('h') ?? '';
const writeKey = new URL(sw.location.href).searchParams.get('k') ?? '';

sw.addEventListener('install', () => void sw.skipWaiting());
sw.addEventListener('activate', (e: WaitUntil) => e.waitUntil(sw.clients.claim()));

sw.addEventListener('push', (e: PushEvt) => {
  let p: Payload = {};
  try {
    p = (e.data?.json() as Payload) ?? {};
  } catch {
    p = { body: e.data?.text() ?? '' };
  }
  // `userVisibleOnly`: every push must show a notification, or the browser shows its own.
  const options: NotificationOptions & { data: Payload } = { body: p.body ?? '', data: p };
  if (p.messageId) options.tag = p.messageId;
  if (p.icon) options.icon = p.icon;
  e.waitUntil(sw.registration.showNotification(p.title || location.hostname, options));
});

sw.addEventListener('notificationclick', (e: ClickEvt) => {
  const p = e.notification.data ?? {};
  e.notification.close();
  const base = api || (p.url ? new URL(p.url).origin : '');
  e.waitUntil(
    Promise.all([
      // Reported by the worker itself: the click counts even when no window can be opened.
      p.track && base
        ? fetch(`${base}/v1/push/click`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ track: p.track }), keepalive: true }).catch(() => undefined)
        : undefined,
      p.url ? sw.clients.openWindow(p.url).catch(() => undefined) : undefined,
    ]),
  );
});

// The push service replaced the subscription (expiry, key rotation): the API moves the old one's
// profile to the new one, so sends keep reaching this browser. Browsers that give no old
// subscription leave nothing to match; the next `push.subscribe()` on a page stores the new one.
sw.addEventListener('pushsubscriptionchange', (e: SubscriptionChangeEvt) => {
  const old = e.oldSubscription;
  const work = (async () => {
    const next = e.newSubscription ?? (old ? await sw.registration.pushManager.subscribe(old.options) : null);
    if (!next || !old || !api || !writeKey) return;
    await fetch(`${api}/v1/push/resubscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey, oldEndpoint: old.endpoint, subscription: next.toJSON() }) });
  })().catch(() => undefined);
  try {
    e.waitUntil(work);
  } catch {
    // a synthetic event (tests) has no lifetime to extend; the work runs all the same
  }
});
