import { isbotMatch } from 'isbot';

/**
 * Why an event counts as automated traffic, or '' when it does not. Flagged events are stored
 * (is_bot, bot_reason) rather than dropped, so the raw stream stays complete while features and
 * segments ignore them.
 *
 * Only the end user's browser is judged: `context.userAgent` (the SDK's browser, or one a server
 * forwards) or the request's own User-Agent when the request comes from a browser. A server-side
 * call (curl, a backend's HTTP client) says nothing about the person the event is about.
 */
export function botReason(context: Record<string, unknown>, browserUserAgent: string | undefined): string {
  if (context.webdriver === true && context.allowAutomation !== true) return 'browser automation (navigator.webdriver)';
  if (!browserUserAgent) return '';
  const match = matchOf(browserUserAgent);
  return match ? `user agent matches "${match}"` : '';
}

let lastAgent: string | undefined;
let lastMatch: string | null = null;

/** The events of a request share their user agent: the last verdict is kept. */
function matchOf(userAgent: string): string | null {
  if (userAgent !== lastAgent) {
    // Real user agents are a few hundred characters; the start is what identifies a crawler.
    lastMatch = isbotMatch(userAgent.slice(0, 512));
    lastAgent = userAgent;
  }
  return lastMatch;
}

// Libraries that run in the visitor's browser: their requests carry the visitor's own User-Agent.
const browserLibraries = new Set(['overture-sdk', 'analytics.js', 'analytics-next', 'rudder-analytics-js', 'RudderLabs JavaScript SDK']);

/** Whether an event was sent by a library running in the end user's browser. */
export function fromBrowserLibrary(context: Record<string, unknown>): boolean {
  const library = context.library;
  return typeof library === 'object' && library !== null && browserLibraries.has(String((library as { name?: unknown }).name));
}
