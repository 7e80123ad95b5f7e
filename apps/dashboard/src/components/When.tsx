import { formatAgo, formatDate, formatDateTime, useNow, useTimeZone } from '../lib/format';

const day = 86_400_000;

/**
 * A moment as people say it: "5 min ago" within a week, else the day; the exact time on hover, in the
 * workspace's time zone with its abbreviation. `exact` shows the exact time in place of the relative one.
 */
export function When({ iso, empty = '—', exact = false }: { iso: string | null | undefined; empty?: string; exact?: boolean }) {
  const now = useNow(30_000);
  const timeZone = useTimeZone();
  if (!iso) return <span className="muted">{empty}</span>;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return <span>{iso}</span>;
  const recent = Math.abs(now - at.getTime()) < 7 * day;
  const full = formatDateTime(iso, timeZone);
  return (
    <time dateTime={iso} title={full}>
      {exact ? full : recent ? formatAgo(iso, now) : formatDate(iso, timeZone)}
    </time>
  );
}
