import { describe, expect, it } from 'vitest';
import { inQuietHours, nextLocalTime, quietHoursEnd, safeTimeZone, zonedParts, zonedTimeToUtc } from './time';

const at = (iso: string) => Date.parse(iso);

describe('time zones', () => {
  it('reads local wall time and weekday', () => {
    expect(zonedParts(at('2026-01-15T03:30:00Z'), 'America/New_York')).toEqual({ year: 2026, month: 1, day: 14, hour: 22, minute: 30, weekday: 3 });
    expect(zonedParts(at('2026-01-15T03:30:00Z'), 'Asia/Kolkata')).toMatchObject({ day: 15, hour: 9, minute: 0 });
  });

  it('converts local times to instants, across daylight saving changes', () => {
    expect(zonedTimeToUtc(2026, 7, 1, 9, 0, 'Europe/Berlin')).toBe(at('2026-07-01T07:00:00Z'));
    expect(zonedTimeToUtc(2026, 1, 1, 9, 0, 'Europe/Berlin')).toBe(at('2026-01-01T08:00:00Z'));
    // 02:30 does not exist on 2026-03-29 in Berlin: it lands after the jump.
    expect(zonedTimeToUtc(2026, 3, 29, 2, 30, 'Europe/Berlin')).toBe(at('2026-03-29T01:30:00Z'));
  });

  it('finds the next local time of day, optionally on given weekdays', () => {
    const now = at('2026-01-15T15:00:00Z'); // Thursday 10:00 in New York
    expect(nextLocalTime(now, 'America/New_York', 9, 0)).toBe(at('2026-01-16T14:00:00Z'));
    expect(nextLocalTime(now, 'America/New_York', 11, 30)).toBe(at('2026-01-15T16:30:00Z'));
    expect(nextLocalTime(now, 'America/New_York', 9, 0, [1])).toBe(at('2026-01-19T14:00:00Z')); // Monday
    expect(nextLocalTime(now, 'Asia/Tokyo', 9, 0)).toBe(at('2026-01-16T00:00:00Z'));
  });

  it('applies overnight quiet hours in the profile’s zone', () => {
    const quiet = { start: 21, end: 8 };
    const now = at('2026-01-15T03:00:00Z');
    expect(inQuietHours(now, 'America/New_York', quiet)).toBe(true); // 22:00
    expect(inQuietHours(now, 'Asia/Tokyo', quiet)).toBe(false); // 12:00
    expect(inQuietHours(now, 'Europe/Berlin', quiet)).toBe(true); // 04:00
    expect(quietHoursEnd(now, 'Europe/Berlin', quiet)).toBe(at('2026-01-15T07:00:00Z'));
    expect(inQuietHours(now, 'UTC', { start: 1, end: 5 })).toBe(true);
    expect(inQuietHours(now, 'UTC', { start: 5, end: 5 })).toBe(false);
  });

  it('falls back to a default for unknown zones', () => {
    expect(safeTimeZone('Mars/Olympus', 'Europe/Paris')).toBe('Europe/Paris');
    expect(safeTimeZone(null)).toBe('UTC');
    expect(safeTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
  });
});
