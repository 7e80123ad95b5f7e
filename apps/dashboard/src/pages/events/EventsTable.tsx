import { Fragment, useState } from 'react';
import { describeEvent, typeColor, type EventView } from '../../lib/events';
import { formatDateTime, useTimeZone } from '../../lib/format';

export function EventsTable({ events }: { events: EventView[] }) {
  const timeZone = useTimeZone();
  // Keyed by messageId so an open row stays open while live refresh replaces the list.
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  if (events.length === 0) return <p className="muted">No events match. Send some from your site (see the Install page).</p>;
  return (
    <table className="events-table">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Type</th>
          <th scope="col">Event</th>
          <th scope="col">User</th>
          <th scope="col" aria-label="Details" />
        </tr>
      </thead>
      <tbody>
        {events.map((e) => {
          const isOpen = open.has(e.messageId);
          return (
            <Fragment key={e.messageId}>
              <tr className={isOpen ? 'event-row open' : 'event-row'} onClick={() => toggle(e.messageId)}>
                <td className="nowrap" title={`received ${formatDateTime(e.receivedAt, timeZone)}`}>
                  {formatDateTime(e.timestamp, timeZone)}
                </td>
                <td>
                  <TypeBadge type={e.type} />
                  {e.isBot && (
                    <span className="badge bot" title={botExplanation(e)}>
                      bot
                    </span>
                  )}
                </td>
                <td className="event-name">{describeEvent(e) || <span className="muted">—</span>}</td>
                <td className="mono ellipsis">{e.userId ? e.userId : <span className="muted">anon {e.anonymousId}</span>}</td>
                <td>
                  <button type="button" className="link-button" aria-expanded={isOpen} onClick={(ev) => {
                      ev.stopPropagation();
                      toggle(e.messageId);
                    }}>
                    {isOpen ? 'Hide' : 'Details'}
                  </button>
                </td>
              </tr>
              {isOpen && (
                <tr className="event-details">
                  <td colSpan={5}>
                    <EventDetails event={e} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

/** Why the event was flagged: profiles, segments and journeys skip flagged events. */
function botExplanation(e: EventView): string {
  return `${e.botReason || 'flagged before reasons were recorded'}; profiles, segments and journeys ignore this event`;
}

export function TypeBadge({ type }: { type: string }) {
  return (
    <span className="badge" style={{ color: typeColor(type), borderColor: typeColor(type) }}>
      {type}
    </span>
  );
}

function EventDetails({ event }: { event: EventView }) {
  const timeZone = useTimeZone();
  const sections: Array<[string, Record<string, unknown>]> = [
    ['properties', event.properties],
    ['traits', event.traits],
    ['context', event.context],
  ];
  return (
    <div className="details">
      <dl className="meta">
        <dt>messageId</dt>
        <dd className="mono">{event.messageId}</dd>
        <dt>userId</dt>
        <dd className="mono">{event.userId || '—'}</dd>
        <dt>anonymousId</dt>
        <dd className="mono">{event.anonymousId || '—'}</dd>
        <dt>received</dt>
        <dd>{formatDateTime(event.receivedAt, timeZone)}</dd>
        {event.isBot && (
          <>
            <dt>flagged as bot</dt>
            <dd>{botExplanation(event)}</dd>
          </>
        )}
      </dl>
      <div className="json-sections">
        {sections
          .filter(([, value]) => Object.keys(value).length > 0)
          .map(([name, value]) => (
            <div key={name}>
              <h3>{name}</h3>
              <pre className="json">{JSON.stringify(value, null, 2)}</pre>
            </div>
          ))}
      </div>
    </div>
  );
}
