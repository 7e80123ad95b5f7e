import { zoneAbbreviation } from '../../lib/format';

/** Every IANA zone this browser knows (UTC first), for the workspace's time zone picker. */
export const allTimeZones: string[] = ['UTC', ...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC') : [])];

/** `UTC+05:30` at that instant. */
export function utcOffset(timeZone: string, at = new Date()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return part === 'GMT' ? 'UTC+00:00' : part.replace('GMT', 'UTC');
}

/** `Europe/Paris · CET · UTC+01:00`: what the picker shows for a zone. */
export const zoneLabel = (timeZone: string, at = new Date()) => `${timeZone.replaceAll('_', ' ')} · ${zoneAbbreviation(timeZone, at)} · ${utcOffset(timeZone, at)}`;

/**
 * Zones whose name, city (spaces for underscores), abbreviation or offset contains every word of the
 * query, case-insensitively: "new york", "paris", "cet", "+05:30" all find theirs.
 */
export function searchTimeZones(query: string, zones: readonly string[] = allTimeZones, at = new Date()): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...zones];
  return zones.filter((z) => {
    const label = zoneLabel(z, at).toLowerCase();
    return words.every((w) => label.includes(w));
  });
}
