import { sortTypes } from './events';

export interface RangeOption {
  key: string;
  label: string;
  hours: number;
  /** Chosen so `hours * 3600 / buckets` is a whole number of seconds: the server buckets the same way. */
  buckets: number;
}

export const ranges: RangeOption[] = [
  { key: '24h', label: '24 hours', hours: 24, buckets: 48 },
  { key: '7d', label: '7 days', hours: 24 * 7, buckets: 84 },
  { key: '30d', label: '30 days', hours: 24 * 30, buckets: 60 },
  { key: '400d', label: '400 days', hours: 24 * 400, buckets: 100 },
];

export const defaultRange = ranges[0]!;

export function rangeByKey(key: string | null): RangeOption {
  return ranges.find((r) => r.key === key) ?? defaultRange;
}

export const bucketMs = (range: RangeOption) => (range.hours * 3600 * 1000) / range.buckets;

export interface CountRow {
  bucket: string;
  type: string;
  count: number;
}

export type ChartRow = { t: number } & Record<string, number>;

/**
 * One row per time bucket over the whole range (empty buckets as zeros, so gaps show as gaps),
 * one numeric column per event type. Buckets start at multiples of the bucket size since the epoch,
 * as ClickHouse's toStartOfInterval aligns them.
 */
export function toChartRows(counts: CountRow[], range: RangeOption, now: number): { rows: ChartRow[]; types: string[] } {
  const size = bucketMs(range);
  const types = sortTypes(counts.map((c) => c.type));
  const zero = Object.fromEntries(types.map((t) => [t, 0]));
  const byBucket = new Map<number, ChartRow>();
  const first = Math.floor((now - range.hours * 3600 * 1000) / size) * size;
  for (let t = first; t <= now; t += size) byBucket.set(t, { t, ...zero } as ChartRow);
  for (const c of counts) {
    const t = new Date(c.bucket).getTime();
    if (Number.isNaN(t)) continue;
    const row = byBucket.get(t) ?? ({ t, ...zero } as ChartRow);
    row[c.type] = (row[c.type] ?? 0) + c.count;
    byBucket.set(t, row);
  }
  return { rows: [...byBucket.values()].sort((a, b) => a.t - b.t), types };
}

/**
 * Axis label for a bucket start: time of day for short ranges, the date for long ones. Hours read in the
 * workspace's zone; whole-day buckets are UTC days, so their dates read in UTC.
 */
export function formatBucket(t: number, range: RangeOption, timeZone = 'UTC'): string {
  const d = new Date(t);
  if (range.hours <= 48) return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone });
  if (range.hours <= 24 * 7) return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', timeZone });
  if (range.hours <= 24 * 31) return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: '2-digit', timeZone: 'UTC' });
}
