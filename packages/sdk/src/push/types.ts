/** What the lazily loaded push module gets from the client (short keys: they are in the core bundle). */
export interface PushContext {
  /** API base URL */
  h: string;
  /** write key */
  k: string;
  /** anonymous id, user id */
  a: string;
  u?: string | undefined;
  track(event: string, properties?: Record<string, unknown>): void;
}

/**
 * - `subscribed`: a subscription is stored for this browser
 * - `unsubscribed`: none, and the visitor may still be asked
 * - `declined`: the visitor said "not now" to the soft ask (not asked again for `reaskAfterDays`)
 * - `denied`: the browser's permission is blocked; only the visitor can undo it in site settings
 * - `unsupported`: no service workers, Push API or notifications here (e.g. iOS Safari outside a home-screen app)
 */
export type PushState = 'subscribed' | 'unsubscribed' | 'declined' | 'denied' | 'unsupported';

export interface SoftAskOptions {
  title?: string;
  body?: string;
  allow?: string;
  deny?: string;
  /** Days before a visitor who said "not now" is asked again (default 30). */
  reaskAfterDays?: number;
}

export interface PushOptions {
  /**
   * The service worker script. Default: `<host>/sdk/push-sw.js` when the API shares the page's origin,
   * else `/overture-sw.js` (a copy at the site root; see the README). Service workers must be same-origin.
   */
  serviceWorker?: string;
  /** Scope of the registration (default `/`). */
  scope?: string;
  /** The in-page prompt shown before the browser's; `false` goes straight to the browser prompt. */
  softAsk?: SoftAskOptions | false;
}

export interface PushApi {
  /** Asks (soft ask, then the browser), subscribes with the workspace's VAPID key and stores the subscription. */
  subscribe(options?: PushOptions): Promise<PushState>;
  /** Removes this browser's subscription, here and on the server. */
  unsubscribe(options?: Pick<PushOptions, 'scope'>): Promise<boolean>;
  state(options?: Pick<PushOptions, 'scope'>): Promise<PushState>;
}
