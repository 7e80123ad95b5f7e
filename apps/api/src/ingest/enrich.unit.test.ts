import { describe, expect, it } from 'vitest';
import { enrichContext, userAgentFacts } from './enrich';
import { classifySource } from './acquisition';
import { countryOfTimeZone } from './timezones';

const chromeMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('enrichContext', () => {
  it('adds device, OS and browser from the user agent', () => {
    const c: Record<string, unknown> = { userAgent: iphone };
    enrichContext(c);
    expect(c).toMatchObject({ device: { type: 'mobile', manufacturer: 'Apple', model: 'iPhone' }, os: { name: 'iOS', version: '17.5' }, browser: { name: 'Mobile Safari' } });
    const d: Record<string, unknown> = { userAgent: chromeMac };
    enrichContext(d);
    expect(d).toMatchObject({ device: { type: 'desktop' }, os: { name: 'macOS' }, browser: { name: 'Chrome', version: '131.0.0.0' } });
  });

  it('keeps what the client sent', () => {
    const c: Record<string, unknown> = { userAgent: iphone, device: { id: 'd1', type: 'tablet' }, location: { city: 'Lyon' }, timezone: 'Europe/Paris' };
    enrichContext(c);
    expect(c.device).toEqual({ type: 'tablet', manufacturer: 'Apple', model: 'iPhone', id: 'd1' });
    expect(c.location).toEqual({ country: 'FR', city: 'Lyon' });
  });

  it('derives the country from the time zone, old names included, and nothing from UTC', () => {
    expect(countryOfTimeZone('America/New_York')).toBe('US');
    expect(countryOfTimeZone('Asia/Calcutta')).toBe('IN');
    expect(countryOfTimeZone('Asia/Kolkata')).toBe('IN');
    expect(countryOfTimeZone('UTC')).toBeUndefined();
    expect(countryOfTimeZone(42)).toBeUndefined();
    const c: Record<string, unknown> = { timezone: 'Etc/UTC' };
    enrichContext(c);
    expect(c.location).toBeUndefined();
  });

  it('an old name is filed under its own country, not the one of the zone it now links to', () => {
    expect(countryOfTimeZone('Iceland')).toBe('IS');
    expect(countryOfTimeZone('Africa/Asmera')).toBe('ER');
    expect(countryOfTimeZone('Europe/Zurich')).toBe('CH');
    expect(countryOfTimeZone('CET')).toBeUndefined();
    expect(countryOfTimeZone('EST5EDT')).toBeUndefined();
    expect(countryOfTimeZone('__proto__')).toBeUndefined();
  });

  it('uses a GeoIP lookup for the IP when one is configured', () => {
    const c: Record<string, unknown> = { ip: '203.0.113.9', timezone: 'Europe/Paris' };
    enrichContext(c, (ip) => (ip === '203.0.113.9' ? { country: 'BE', city: 'Brussels' } : undefined));
    expect(c.location).toEqual({ country: 'BE', city: 'Brussels' });
  });

  it("classifies the SDK session's acquisition channel", () => {
    const c: Record<string, unknown> = { page: { url: 'https://shop.example/p' }, session: { id: 's', referrer: 'www.google.com' } };
    enrichContext(c);
    expect(c.session).toEqual({ id: 's', referrer: 'www.google.com', channel: 'search' });
  });

  it('serves repeated user agents from its cache', () => {
    expect(userAgentFacts(chromeMac)).toBe(userAgentFacts(chromeMac));
  });
});

describe('classifySource', () => {
  it.each([
    [{ gclid: 'x' }, '', 'paid'],
    [{ source: 'fb', medium: 'cpc' }, 'facebook.com', 'paid'],
    [{ source: 'news', medium: 'email' }, '', 'email'],
    [{ source: 'ig', medium: 'social' }, '', 'social'],
    [{ source: 'facebook' }, '', 'social'],
    [{ source: 'partner' }, '', 'referral'],
    [undefined, 'www.bing.com', 'search'],
    [undefined, 'duckduckgo.com', 'search'],
    [undefined, 'l.facebook.com', 'social'],
    [undefined, 't.co', 'social'],
    [undefined, 'mail.google.com', 'email'],
    [undefined, 'blog.example.org', 'referral'],
    [undefined, '', 'direct'],
    [undefined, 'shop.example', 'internal'],
  ] as const)('%j from %s → %s', (campaign, referrer, channel) => {
    expect(classifySource(campaign, referrer, 'www.shop.example')).toBe(channel);
  });
});
