import { formatAgo, formatDateTime, useNow } from '../lib/format';

const day = 86_400_000;
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * A moment as people say it: "5 min ago" within a week, else the date; the exact local time on hover.
 */
export function When({ iso, empty = '—' }: { iso: string | null | undefined; empty?: string }) {
  const now = useNow(30_000);
  if (!iso) return <span className="muted">{empty}</span>;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return <span>{iso}</span>;
  const recent = Math.abs(now - at.getTime()) < 7 * day;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {recent ? formatAgo(iso, now) : dateOnly.format(at)}
    </time>
  );
}
