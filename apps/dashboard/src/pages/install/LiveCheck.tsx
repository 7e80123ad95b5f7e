import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { describeEvent, pageUrlOf, type EventView } from '../../lib/events';
import { formatAgo, formatDateTime, useNow, useTimeZone } from '../../lib/format';
import { TypeBadge } from '../events/EventsTable';

const pollMs = 2000;
const shown = 25;

/**
 * Polls the latest events and marks the ones that were not there when the page opened. "New" is
 * judged by messageId against the first answer fetched after opening, not by clock, so a browser whose
 * clock disagrees with the server's still sees the right events highlighted.
 */
export function LiveCheck({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [openedAt] = useState(() => Date.now());
  const [before, setBefore] = useState<ReadonlySet<string> | null>(null);
  const latest = useQuery(trpc.events.latest.queryOptions({ workspaceId, limit: shown, fromLibrary: true }, { refetchInterval: pollMs }));
  const now = useNow();

  useEffect(() => {
    // Cached answers from an earlier visit do not count: only a fetch made since opening sets the baseline.
    if (before || !latest.data || latest.dataUpdatedAt < openedAt) return;
    setBefore(new Set(latest.data.map((e) => e.messageId)));
  }, [before, latest.data, latest.dataUpdatedAt, openedAt]);

  if (latest.isError) return <p className="form-error">Could not check for events: {latest.error.message}</p>;
  if (!before || !latest.data) return <p className="muted">Connecting…</p>;

  const arrived = latest.data.filter((e) => !before.has(e.messageId));
  const earlier = latest.data.filter((e) => before.has(e.messageId));

  return (
    <div className="live-check">
      {arrived.length === 0 ? (
        <div className="live-status waiting" role="status">
          <span className="pulse" aria-hidden />
          <div>
            <strong>Waiting for the first event…</strong>
            <div className="muted">Open a page of your site that has the snippet. Events appear here within a few seconds (checked every {pollMs / 1000} s).</div>
          </div>
        </div>
      ) : (
        <div className="live-status receiving" role="status">
          <span className="check" aria-hidden>
            ✓
          </span>
          <div>
            <strong>
              Receiving events: {arrived.length}
              {arrived.length === shown ? '+' : ''} since you opened this page
            </strong>
            <div className="muted">Your site is sending events to this workspace.</div>
          </div>
        </div>
      )}
      {arrived.length > 0 && <LiveList events={arrived} now={now} fresh />}
      {earlier.length > 0 && (
        <>
          <h3 className="muted">Before you opened this page</h3>
          <LiveList events={earlier} now={now} fresh={false} />
        </>
      )}
    </div>
  );
}

function LiveList({ events, now, fresh }: { events: EventView[]; now: number; fresh: boolean }) {
  const timeZone = useTimeZone();
  return (
    <ul className="live-list">
      {events.map((e) => (
        <li key={e.messageId} className={fresh ? 'live-item new' : 'live-item'} data-testid={fresh ? 'live-new' : 'live-earlier'}>
          <TypeBadge type={e.type} />
          <span className="event-name">{describeEvent(e) || <span className="muted">—</span>}</span>
          <span className="muted ellipsis">{pageUrlOf(e)}</span>
          <time className="muted nowrap" dateTime={e.receivedAt} title={formatDateTime(e.receivedAt, timeZone)}>
            {formatAgo(e.receivedAt, now)}
          </time>
        </li>
      ))}
    </ul>
  );
}
