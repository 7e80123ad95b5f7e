import { createContext, useContext, useEffect, useState } from 'react';

/** The workspace's IANA time zone, provided by the shell; every time the dashboard shows is in it. */
export const TimeZoneContext = createContext('UTC');
export const useTimeZone = () => useContext(TimeZoneContext);

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string, options: Intl.DateTimeFormatOptions, key: string, locale = 'en-GB'): Intl.DateTimeFormat {
  const id = `${key}|${locale}|${timeZone}`;
  let f = formatters.get(id);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      // A zone this browser does not know: UTC, which the abbreviation then says.
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    }
    formatters.set(id, f);
  }
  return f;
}

const exact: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };

/** Date and time to the second in the zone, with its abbreviation: `2026-11-23 09:41:07 CET`. */
export function formatDateTime(iso: string, timeZone = 'UTC'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p: Record<string, string> = {};
  for (const part of formatterFor(timeZone, exact, 'exact').formatToParts(d)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${zoneAbbreviation(timeZone, d)}`;
}

/** The day in the zone: `23 Nov 2026`. */
export function formatDate(iso: string, timeZone = 'UTC'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return formatterFor(timeZone, { day: 'numeric', month: 'short', year: 'numeric' }, 'date').format(d);
}

const abbreviationIn = (locale: string, timeZone: string, at: Date) =>
  formatterFor(timeZone, { timeZoneName: 'short' }, 'abbr', locale).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;

/**
 * The zone's abbreviation at that instant (`CET` in winter, `CEST` in summer; `GMT+9` where there is
 * none). British English names European zones, American English American ones; either is asked.
 */
export function zoneAbbreviation(timeZone: string, at = new Date()): string {
  const british = abbreviationIn('en-GB', timeZone, at);
  if (!/^GMT[+-]/.test(british)) return british;
  const american = abbreviationIn('en-US', timeZone, at);
  return /^GMT[+-]/.test(american) ? british : american;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "12 d ago"; a future moment reads "in 5 min". */
export function formatAgo(iso: string, now: number): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (Math.abs(seconds) < 5) return 'just now';
  const abs = Math.abs(seconds);
  const span = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.floor(abs / 60)} min` : abs < 86400 ? `${Math.floor(abs / 3600)} h` : `${Math.floor(abs / 86400)} d`;
  return seconds > 0 ? `${span} ago` : `in ${span}`;
}

export const formatCount = (n: number) => n.toLocaleString('en-US');

/** The current time, re-rendering every `intervalMs` so relative times stay true. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}
