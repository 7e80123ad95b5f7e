// `/sdk/push.js`: the push module the core bundle loads on the first `overture.push.*` call (ESM).
import type { PushContext, PushOptions, PushState } from './types';
import { askedRecently, forgetDecline, rememberDecline, softAsk } from './soft-ask';

const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

function workerUrl(c: PushContext, o: PushOptions): string {
  const apiBase = new URL(c.h || location.origin, location.href);
  const url = new URL(o.serviceWorker ?? (apiBase.origin === location.origin ? `${c.h}/sdk/push-sw.js` : '/overture-sw.js'), location.href);
  // The worker reports clicks to the API; a copy at the site root learns where that is from its URL.
  url.searchParams.set('h', apiBase.href.replace(/\/$/, ''));
  // …and the (public) write key, to report a subscription the browser renewed while no page was open.
  url.searchParams.set('k', c.k);
  return url.href;
}

const registration = (o: Pick<PushOptions, 'scope'>) => navigator.serviceWorker.getRegistration(o.scope ?? '/');

async function api(c: PushContext, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${c.h}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`Overture push: ${path} answered ${res.status}: ${await res.text()}`);
}

function keyBytes(base64url: string): Uint8Array {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
}

async function vapidKey(c: PushContext): Promise<string> {
  const res = await fetch(`${c.h}/v1/push/vapid-key?writeKey=${encodeURIComponent(c.k)}`);
  if (!res.ok) throw new Error(`Overture push: /v1/push/vapid-key answered ${res.status}`);
  return ((await res.json()) as { publicKey: string }).publicKey;
}

export async function state(_c: PushContext, o: Pick<PushOptions, 'scope'> = {}): Promise<PushState> {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const sub = await (await registration(o))?.pushManager.getSubscription();
  if (sub) return 'subscribed';
  return Notification.permission !== 'granted' && askedRecently() ? 'declined' : 'unsubscribed';
}

export async function subscribe(c: PushContext, o: PushOptions = {}): Promise<PushState> {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await navigator.serviceWorker.register(workerUrl(c, o), { scope: o.scope ?? '/' });
  if (Notification.permission !== 'granted') {
    let permission: NotificationPermission | 'dismissed';
    if (o.softAsk === false) permission = await Notification.requestPermission();
    else {
      // Good practice: never open the browser's prompt cold. Our prompt first, and the browser's
      // only after "Allow" (inside that click, which Firefox and Safari require).
      if (askedRecently(o.softAsk?.reaskAfterDays)) return 'declined';
      permission = await softAsk(o.softAsk ?? {});
    }
    c.track('$push_permission', { result: permission });
    if (permission === 'dismissed') {
      rememberDecline();
      return 'declined';
    }
    if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'unsubscribed';
  }
  forgetDecline();
  await navigator.serviceWorker.ready;
  let sub = await reg.pushManager.getSubscription();
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(await vapidKey(c)) as BufferSource });
  await api(c, '/v1/push/subscribe', { writeKey: c.k, subscription: sub.toJSON(), anonymousId: c.a, ...(c.u ? { userId: c.u } : {}) });
  return 'subscribed';
}

export async function unsubscribe(c: PushContext, o: Pick<PushOptions, 'scope'> = {}): Promise<boolean> {
  if (!supported()) return false;
  const sub = await (await registration(o))?.pushManager.getSubscription();
  if (!sub) return false;
  await sub.unsubscribe();
  await api(c, '/v1/push/unsubscribe', { writeKey: c.k, endpoint: sub.endpoint });
  return true;
}
