import { describe, expect, it } from 'vitest';
import { formatAgo, formatDate, formatDateTime, zoneAbbreviation } from './format';

describe('times in the workspace zone', () => {
  const winter = '2026-01-15T08:30:05Z';
  const summer = '2026-07-15T08:30:05Z';

  it('shows the exact time in the zone, with its abbreviation as it is that day', () => {
    expect(formatDateTime(winter, 'Europe/Paris')).toBe('2026-01-15 09:30:05 CET');
    expect(formatDateTime(summer, 'Europe/Paris')).toBe('2026-07-15 10:30:05 CEST');
    expect(formatDateTime(winter, 'America/New_York')).toBe('2026-01-15 03:30:05 EST');
    expect(formatDateTime(summer, 'Europe/London')).toBe('2026-07-15 09:30:05 BST');
    expect(formatDateTime(winter, 'Asia/Tokyo')).toBe('2026-01-15 17:30:05 GMT+9');
    expect(formatDateTime(winter)).toBe('2026-01-15 08:30:05 UTC');
  });

  it('moves the day with the zone', () => {
    expect(formatDate('2026-03-31T23:30:00Z', 'UTC')).toBe('31 Mar 2026');
    expect(formatDate('2026-03-31T23:30:00Z', 'Europe/Berlin')).toBe('1 Apr 2026');
  });

  it('falls back to UTC for a zone the browser does not know, and says so', () => {
    expect(formatDateTime(winter, 'Mars/Olympus')).toBe('2026-01-15 08:30:05 UTC');
    expect(zoneAbbreviation('Mars/Olympus')).toBe('UTC');
  });

  it('leaves text that is not a time as it is', () => {
    expect(formatDateTime('soon', 'Europe/Paris')).toBe('soon');
  });

  it('says how long ago, or how long until', () => {
    const now = Date.parse('2026-01-15T12:00:00Z');
    expect(formatAgo('2026-01-15T11:59:58Z', now)).toBe('just now');
    expect(formatAgo('2026-01-15T11:59:18Z', now)).toBe('42 s ago');
    expect(formatAgo('2026-01-15T11:57:00Z', now)).toBe('3 min ago');
    expect(formatAgo('2026-01-15T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('2026-01-03T12:00:00Z', now)).toBe('12 d ago');
    expect(formatAgo('2026-01-15T12:05:00Z', now)).toBe('in 5 min');
  });
});
