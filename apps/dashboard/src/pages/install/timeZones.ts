import { zoneAbbreviation } from '../../lib/format';

/** Every IANA zone this browser knows (UTC first), for the workspace's time zone picker. */
export const allTimeZones: string[] = ['UTC', ...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC') : [])];

/** `UTC+5:30`, `UTC-6`, `UTC` at that instant. */
export function utcOffset(timeZone: string, at = new Date()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return part.replace('GMT', 'UTC').replace(/^UTC[+-]0$/, 'UTC');
}

/** `Europe/Paris · CET, UTC+1`: what the picker shows for a zone (`Asia/Tokyo · UTC+9` where the zone has no abbreviation). */
export function zoneLabel(timeZone: string, at = new Date()): string {
  const abbreviation = zoneAbbreviation(timeZone, at);
  const offset = utcOffset(timeZone, at);
  const name = timeZone.replaceAll('_', ' ');
  if (name === offset) return name;
  return /^(GMT|UTC)([+-]|$)/.test(abbreviation) ? `${name} · ${offset}` : `${name} · ${abbreviation}, ${offset}`;
}

/**
 * Zones whose name, city (spaces for underscores), abbreviation or offset contains every word of the
 * query, case-insensitively (`labelOf`: the labels already made, as building one costs a few Intl formatters): "new york", "paris", "cet", "+5:30" all find theirs.
 */
export function searchTimeZones(query: string, zones: readonly string[] = allTimeZones, labelOf: (zone: string) => string = (z) => zoneLabel(z)): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...zones];
  return zones.filter((z) => {
    const label = labelOf(z).toLowerCase();
    return words.every((w) => label.includes(w));
  });
}
