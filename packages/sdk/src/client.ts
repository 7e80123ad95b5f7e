import type { CaptureName, Consent, Core, Options, Props } from './types';
import { version } from './version';
import { load, loadJar, lsGet, lsSet, save, uuid } from './core/storage';
import { campaignFrom, campaignKey, type Campaign } from './core/acquisition';
import { touchSession, type Session } from './core/session';
import { createQueue, type Queue } from './delivery/queue';
import { createDelivery, type Delivery } from './delivery/deliver';
import { startCapture } from './capture';
import type { OnsiteStart } from './onsite/types';
import { pushApi, type PushApi } from './push/hook';

type Listener = (event: Props) => void;
export interface Overture {
  init(writeKey: string, options?: Options): void;
  track(event: string, properties?: Props): void;
  page(name?: string | Props, properties?: Props): void;
  identify(userId: string | Props, traits?: Props): void;
  alias(userId: string, previousId?: string): void;
  group(groupId: string, traits?: Props): void;
  reset(): void;
  consent(c?: Consent): Consent;
  flush(): Promise<void>;
  on(event: string, fn: Listener): () => void;
  /** Web push: `subscribe()` (soft ask, then the browser's prompt), `unsubscribe()`, `state()`; loaded on first use. */
  push: PushApi;
  initialized?: boolean;
}

const idKey = 'ov_id';
const sessionKey = 'ov_ses';
const consentKey = 'ov_consent';
const traitsKey = 'ov_traits';

const pageInfo = (referrer: string) => ({ path: location.pathname, referrer, search: location.search, title: document.title, url: location.href });

export function createOverture(): Overture {
  let o: Options = {};
  let queue: Queue;
  let delivery: Delivery;
  let ids: { a: string; u?: string | undefined; z?: string };
  /** Settles once identity, session and consent are loaded (`init`). */
  let loaded: Promise<void> | undefined;
  let session: Session | undefined;
  let consent: Consent = {};
  let campaign: Campaign | undefined;
  let landing: Parameters<typeof touchSession>[2];
  let ctx: Props;
  let pageStart = 0;
  let pageUrl = '';
  let lastUrl = '';
  let captured = false;
  let firstPage = 0;
  let key = '';
  let host = '';
  const listeners: Record<string, Listener[]> = {};
  const pending: unknown[][] = [];

  const allowed = () => consent.analytics ?? !o.requireConsent;

  const gpc = () => o.respectGpc && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl && (consent.marketing = false);

  function persistIds() {
    if (allowed()) save(idKey, ids, o.cookieDomain);
  }

  function send(type: string, fields: Props) {
    if (!allowed()) return;
    const now = Date.now();
    let started;
    [session, started] = touchSession(session, now, landing, uuid);
    if (type == 'page') session.pages++;
    save(sessionKey, session, o.cookieDomain);
    if (started) persistIds();
    const event = {
      type,
      ...fields,
      messageId: uuid(),
      timestamp: new Date(now).toISOString(),
      anonymousId: ids.a,
      userId: ids.u, // undefined fields vanish in JSON
      context: {
        ...ctx,
        page: pageInfo(document.referrer),
        campaign,
        sessionId: session.id,
        // visit count, pages, first seen, previous visit (recency) and the landing's campaign and referrer
        session,
        consent,
      },
    };
    queue.push(event);
    // Identify and the first page view go at once: the profile (and what the site shows next) waits on them.
    delivery.queued(type == 'identify' || (type == 'page' && !firstPage++));
    for (const fn of [...(listeners[(fields.event as string) ?? type] ?? []), ...(listeners['*'] ?? [])]) {
      try {
        fn(event);
      } catch {
        // a listener's error must not break capture
      }
    }
  }

  function leave() {
    if (!pageUrl) return;
    const props: Props = { path: new URL(pageUrl).pathname, url: pageUrl, duration_ms: Math.round(performance.now() - pageStart) };
    for (const fn of core.pageEnd) fn(props);
    pageUrl = '';
    if (core.on('pageleave')) sdk.track('$pageleave', props);
  }

  const core: Core = {
    o,
    on: (name: CaptureName) => o.capture !== false && o.capture?.[name] !== false,
    track: (e, p) => sdk.track(e, p),
    page: () => sdk.page(),
    pageStart: [],
    pageEnd: [],
  };

  function startCaptureOnce() {
    if (captured || !allowed()) return;
    captured = true;
    startCapture(core, host, () => !!pageUrl);
    addEventListener('visibilitychange', () => document.hidden && delivery.unload(false));
    addEventListener('pagehide', () => {
      leave();
      delivery.unload(true);
    });
    addEventListener('pageshow', (e) => e.persisted && sdk.page());
  }

  const sdk: Overture = {
    init(writeKey, options = {}) {
      if (sdk.initialized) return;
      sdk.initialized = true;
      key = writeKey;
      o = core.o = { flushAt: 20, flushInterval: 1000, maxQueue: 500, ...options };
      host = (o.host ?? '').replace(/\/$/, '');
      queue = createQueue(o.maxQueue!);
      delivery = createDelivery(host + '/v1/batch', writeKey, queue, {
        ...(o as Required<Options>),
        // The first time zone lookup loads ICU data (tens of ms): done once per visitor, kept with the ids.
        timezone: () => ids.z ?? ((ids.z = Intl.DateTimeFormat().resolvedOptions().timeZone), persistIds(), ids.z),
      });
      campaign = campaignFrom(location.search);
      const referrer = document.referrer && new URL(document.referrer).hostname;
      landing = { camp: campaignKey(campaign), campaign, referrer: referrer == location.hostname ? '' : referrer };
      // The user agent is not repeated here: the server reads it from the request.
      ctx = {
        library: { name: 'overture-sdk', version },
        locale: navigator.language,
        screen: { width: screen.width, height: screen.height, density: devicePixelRatio },
        webdriver: navigator.webdriver,
        allowAutomation: o.allowAutomation,
      };
      // Identity, session and consent load without blocking the page (see `loadJar`); calls made
      // meanwhile wait in `pending` and are stamped with them once loaded. An unreadable jar is a new visitor.
      const ready = () => {
        ids = load(idKey) ?? { a: uuid() };
        session = load(sessionKey);
        consent = load(consentKey) ?? {};
        gpc();
        startCaptureOnce();
        // Onsite personalisation lives in its own module (/sdk/onsite.js), fetched only by pages that ask for it.
        if (o.onsite) import(/* webpackIgnore: true */ /* @vite-ignore */ host + '/sdk/onsite.js').then((m: { start: OnsiteStart }) => m.start(sdk, writeKey, host, () => [ids, consent, o.requireConsent])).catch(() => 0);
        // In a later task (localStorage's first access is a round trip too): take over what earlier pages left unsent.
        setTimeout(() => {
          try {
            if (queue.adopt()) delivery.flush();
          } catch {
            // storage unavailable: the queue lives in memory only
          }
        });
        for (const [m, ...args] of pending.splice(0)) (sdk[m as 'track'] as (...a: unknown[]) => void)(...args);
      };
      loaded = loadJar().then(ready, ready);
    },
    track(event, properties = {}) {
      send('track', { event, properties });
    },
    page(name, properties = {}) {
      if (typeof name == 'object') [name, properties] = [undefined, name];
      if (!allowed()) return;
      const referrer = lastUrl || document.referrer;
      leave();
      pageStart = performance.now();
      pageUrl = lastUrl = location.href;
      for (const fn of core.pageStart) fn();
      send('page', {
        name,
        properties: { ...pageInfo(referrer), ...properties },
      });
    },
    identify(userId, traits = {}) {
      if (typeof userId == 'object') [userId, traits] = [ids.u ?? '', userId];
      if (userId) ids.u = userId;
      persistIds();
      const all = { ...JSON.parse(lsGet(traitsKey) ?? '{}'), ...traits };
      if (allowed()) lsSet(traitsKey, JSON.stringify(all));
      send('identify', { traits: all });
    },
    alias(userId, previousId) {
      send('alias', { previousId: previousId ?? ids.u ?? ids.a, userId });
      ids.u = userId;
      persistIds();
    },
    group(groupId, traits = {}) {
      send('group', { groupId, traits });
    },
    reset() {
      ids = { a: uuid() };
      session = undefined;
      lsSet(traitsKey, null);
      persistIds();
    },
    consent(c) {
      if (!c) return consent;
      consent = { ...consent, ...c };
      gpc();
      if (consent.analytics === false) {
        // Withdrawn: forget what is waiting and what identifies the visitor.
        queue.clear();
        for (const k of [idKey, sessionKey]) save(k, null, o.cookieDomain);
        lsSet(traitsKey, null);
      }
      save(consentKey, consent, o.cookieDomain);
      if (allowed()) {
        persistIds();
        const first = !captured;
        startCaptureOnce();
        if (first && core.on('pageviews')) sdk.page();
      }
      return consent;
    },
    flush: async () => delivery?.flush(),
    push: pushApi(() => ({ h: host, k: key, a: ids.a, u: ids.u, track: sdk.track }), () => loaded),
    on(event, fn) {
      (listeners[event] ??= []).push(fn);
      return () => listeners[event]!.splice(listeners[event]!.indexOf(fn) >>> 0, 1);
    },
  };
  // Calls made before `init` wait for it (the ESM package has no snippet queue in front of it).
  for (const m of ['track', 'page', 'identify', 'alias', 'group', 'reset', 'consent'] as const) {
    const call = sdk[m] as (...a: unknown[]) => unknown;
    (sdk as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => (ids ? call(...args) : m == 'consent' && !args[0] ? consent : void pending.push([m, ...args]));
  }
  return sdk;
}
