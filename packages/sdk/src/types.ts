export type Props = Record<string, unknown>;

export type CaptureName = 'pageviews' | 'pageleave' | 'scroll' | 'engagement' | 'clicks' | 'rageClicks' | 'deadClicks' | 'forms' | 'hover' | 'exitIntent' | 'products';

export interface Consent {
  analytics?: boolean;
  marketing?: boolean;
}

export interface Options {
  /** Base URL of the Overture API, e.g. `https://overture.example.com`. */
  host?: string;
  /** Send when this many events are queued (default 20) or after `flushInterval` ms (default 1000). */
  flushAt?: number;
  flushInterval?: number;
  /** Most events kept in the persisted queue (default 500); the oldest go first. */
  maxQueue?: number;
  retryBase?: number;
  retryMax?: number;
  /** Cookie domain for identity shared across subdomains, e.g. `.example.com`. */
  cookieDomain?: string;
  /** Capture and store nothing until `consent({ analytics: true })`. */
  requireConsent?: boolean;
  /** Honour the browser's Global Privacy Control signal: marketing consent is off when it is set. */
  respectGpc?: boolean;
  /** `false` turns every automatic capture off; an object turns single ones off. */
  capture?: false | Partial<Record<CaptureName, boolean>>;
  /** How long the pointer must rest on a product element to count as interest (default 1000 ms). */
  hoverDwellMs?: number;
  /** Keep events of automated browsers (navigator.webdriver) out of the server's bot flag. */
  allowAutomation?: boolean;
  /** Load the onsite renderer (/sdk/onsite.js): placements, inline slots, CTA swaps, journey messages. */
  onsite?: boolean;
}

/** What capture modules get from the client. */
export interface Core {
  o: Options;
  on(name: CaptureName): boolean;
  track(event: string, properties?: Props): void;
  page(): void;
  /** Run when a page view starts, and when it ends (adding to the `$pageleave` properties). */
  pageStart: Array<() => void>;
  pageEnd: Array<(p: Props) => void>;
}
