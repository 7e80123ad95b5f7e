import { UAParser } from 'ua-parser-js';
import { countryOfTimeZone } from './timezones';
import { classifySource } from './acquisition';
import type { GeoLookup } from '../stores/geoip';

export type { GeoLookup } from '../stores/geoip';

type Json = Record<string, unknown>;

interface UaFacts {
  device: Json;
  os: Json;
  browser: Json;
}

// A site's visitors share few user agents, so parses are cached (parsing costs ~50 µs, a hit ~0.1 µs);
// the cache is simply emptied when full, which keeps it bounded without LRU bookkeeping.
const uaCache = new Map<string, UaFacts>();
const uaCacheSize = 5000;

const compact = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

// ua-parser-js 1.x (MIT) still says "Mac OS" where 2.x says "macOS"; stored names stay as they were.
const osNames: Record<string, string> = { 'Mac OS': 'macOS' };

// Real user agents are a few hundred characters; longer ones are parsed by their start and not cached,
// so a sender cannot fill the cache with large strings.
const maxUaLength = 512;

export function userAgentFacts(userAgent: string): UaFacts {
  let facts = uaCache.get(userAgent);
  if (!facts) {
    const r = new UAParser(userAgent.slice(0, maxUaLength)).getResult();
    facts = {
      // ua-parser leaves the type empty for desktops.
      device: compact({ type: r.device.type ?? 'desktop', manufacturer: r.device.vendor, model: r.device.model }),
      os: compact({ name: (r.os.name && osNames[r.os.name]) ?? r.os.name, version: r.os.version }),
      browser: compact({ name: r.browser.name, version: r.browser.version }),
    };
    if (userAgent.length > maxUaLength) return facts;
    if (uaCache.size >= uaCacheSize) uaCache.clear();
    uaCache.set(userAgent, facts);
  }
  return facts;
}


const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function hostOf(url: unknown): string {
  if (typeof url !== 'string') return '';
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * Server-side enrichment of an event's context (Segment keys): device, OS and browser from the user
 * agent, location from GeoIP or else the country of the browser's time zone, and the acquisition
 * channel of the SDK's session. What the client sent itself is kept and wins.
 */
export function enrichContext(context: Json, geo?: GeoLookup): void {
  if (typeof context.userAgent === 'string' && context.userAgent) {
    const ua = userAgentFacts(context.userAgent);
    for (const key of ['device', 'os', 'browser'] as const) context[key] = isObject(context[key]) ? { ...ua[key], ...context[key] } : ua[key];
  }
  const given = isObject(context.location) ? context.location : {};
  const located = (geo && typeof context.ip === 'string' && context.ip ? geo(context.ip) : undefined) ?? {};
  const country = located.country ?? countryOfTimeZone(context.timezone);
  if (country || Object.keys(located).length) context.location = { ...located, ...(country ? { country } : {}), ...given };

  const session = context.session;
  if (isObject(session) && typeof session.referrer === 'string' && session.channel === undefined) {
    const campaign = isObject(session.campaign) ? session.campaign : undefined;
    context.session = { ...session, channel: classifySource(campaign, session.referrer, () => hostOf(isObject(context.page) ? context.page.url : undefined)) };
  }
}
