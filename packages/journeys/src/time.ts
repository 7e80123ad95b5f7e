// Wall-clock arithmetic in a profile's time zone with the platform's Intl data (no extra dependency).

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A time zone the platform knows, else UTC (profiles may carry junk). */
export function safeTimeZone(tz: string | null | undefined, fallback = 'UTC'): string {
  if (!tz) return fallback;
  try {
    formatter(tz);
    return tz;
  } catch {
    return fallback;
  }
}

export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: weekdays.indexOf(parts.weekday ?? 'Sun'),
  };
}

function offsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - (ms - (ms % 60_000));
}

/** The instant a local wall time happens (a time skipped by a DST jump moves forward by the gap). */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return guess;
}

/** The next instant strictly after `now` when the local clock shows hour:minute on one of `days` (any day when empty). */
export function nextLocalTime(now: number, timeZone: string, hour: number, minute: number, days: number[] = []): number {
  const today = zonedParts(now, timeZone);
  for (let d = 0; d <= 8; d++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + d));
    if (days.length && !days.includes(date.getUTCDay())) continue;
    const at = zonedTimeToUtc(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, minute, timeZone);
    if (at > now) return at;
  }
  throw new Error('no matching local time within 8 days');
}

export interface QuietHours {
  /** Local hour the quiet window starts (inclusive). */
  start: number;
  /** Local hour it ends (exclusive); may be before start (overnight). */
  end: number;
}

export function inQuietHours(now: number, timeZone: string, quiet: QuietHours): boolean {
  if (quiet.start === quiet.end) return false;
  const h = zonedParts(now, timeZone).hour;
  return quiet.start < quiet.end ? h >= quiet.start && h < quiet.end : h >= quiet.start || h < quiet.end;
}

/** When a message deferred by quiet hours may go: the end of the window, local time. */
export function quietHoursEnd(now: number, timeZone: string, quiet: QuietHours): number {
  return nextLocalTime(now, timeZone, quiet.end, 0);
}
