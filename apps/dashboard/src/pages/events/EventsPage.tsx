import { lazy, Suspense, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { setSearchParams, useLocation } from '../../router';
import { rangeByKey, ranges } from '../../lib/chart';
import { sortTypes } from '../../lib/events';
import { formatCount } from '../../lib/format';
import { When } from '../../components/When';
import { EventsTable } from './EventsTable';
import { Stat } from '../../components/Stat';

const liveIntervalMs = 3000;

// recharts is most of the bundle's weight; load it with the page that draws the chart.
const CountsChart = lazy(() => import('./CountsChart').then((m) => ({ default: m.CountsChart })));

export function EventsPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const { search } = useLocation();
  const type = search.get('type') ?? undefined;
  const event = search.get('event') ?? undefined;
  const range = rangeByKey(search.get('range'));
  const [paused, setPaused] = useState(false);
  const live = { refetchInterval: paused ? (false as const) : liveIntervalMs, placeholderData: keepPreviousData };

  const totals = useQuery(trpc.events.totals.queryOptions({ workspaceId }, live));
  const counts = useQuery(trpc.events.counts.queryOptions({ workspaceId, type, event, hours: range.hours, buckets: range.buckets }, live));
  const latest = useQuery(trpc.events.latest.queryOptions({ workspaceId, type, event, limit: 50 }, live));

  const names = totals.data?.names;
  const typeOptions = useMemo(() => sortTypes([...(names ?? []).map((n) => n.type), ...(type ? [type] : [])]), [names, type]);
  const eventOptions = useMemo(() => {
    const set = new Set((names ?? []).filter((n) => n.event && (!type || n.type === type)).map((n) => n.event));
    if (event) set.add(event);
    return [...set].sort((a, b) => a.localeCompare(b));
  }, [names, type, event]);

  return (
    <div className="events-page">
      <div className="page-header">
        <h1>Events</h1>
        <div className="live-toggle">
          <span className={paused ? 'live-dot paused' : 'live-dot'} aria-hidden />
          <span>{paused ? 'Paused' : 'Live'}</span>
          <button type="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </div>
      </div>

      <section className="stats" aria-label="Totals">
        <Stat label="Events" value={totals.data ? formatCount(totals.data.total) : '…'} />
        <Stat label="Event names" value={totals.data ? formatCount(new Set(totals.data.names.filter((n) => n.event).map((n) => n.event)).size) : '…'} />
        <Stat label="First event" value={<When iso={totals.data?.first} />} />
        <Stat label="Latest event" value={<When iso={totals.data?.last} />} />
      </section>

      <section className="filters" aria-label="Filters">
        <label>
          Type
          <select aria-label="Type" value={type ?? ''} onChange={(e) => setSearchParams({ type: e.target.value, event: undefined })}>
            <option value="">All types</option>
            {typeOptions.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event name
          <select aria-label="Event name" value={event ?? ''} onChange={(e) => setSearchParams({ event: e.target.value })}>
            <option value="">All events</option>
            {eventOptions.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="group" aria-label="Time range">
          {ranges.map((r) => (
            <button key={r.key} type="button" aria-pressed={r.key === range.key} onClick={() => setSearchParams({ range: r.key === '24h' ? undefined : r.key })}>
              {r.label}
            </button>
          ))}
        </div>
        {(type || event) && (
          <button type="button" className="link-button" onClick={() => setSearchParams({ type: undefined, event: undefined })}>
            Clear filters
          </button>
        )}
      </section>

      <section className={counts.isPlaceholderData ? 'card chart-card stale' : 'card chart-card'} aria-label="Events per type over time">
        <h2>
          Events per type, last {range.label}
          {counts.data && <span className="muted"> · {formatCount(counts.data.reduce((s, c) => s + c.count, 0))} in range</span>}
        </h2>
        {counts.isError ? <p className="form-error">Could not load counts: {counts.error.message}</p> : (
          <Suspense fallback={<div className="chart-placeholder muted">Loading…</div>}>
            <CountsChart counts={counts.data} range={range} updatedAt={counts.dataUpdatedAt} />
          </Suspense>
        )}
      </section>

      <section className={latest.isPlaceholderData ? 'card stale' : 'card'} aria-label="Latest events">
        <h2>Latest events</h2>
        {latest.isError ? (
          <p className="form-error">Could not load events: {latest.error.message}</p>
        ) : latest.data ? (
          <EventsTable events={latest.data} />
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    </div>
  );
}
