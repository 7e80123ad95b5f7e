import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { describeItem, type TimelineItem } from './timeline';
import { When } from '../../components/When';

const pageSize = 50;

/** The unified timeline, newest first, fetched a page at a time with the server's cursor. */
export function Timeline({ workspaceId, profileId }: { workspaceId: string; profileId: string }) {
  const trpc = useTRPC();
  const pages = useInfiniteQuery(
    trpc.profiles.timeline.infiniteQueryOptions({ workspaceId, id: profileId, limit: pageSize }, { getNextPageParam: (last) => last.next ?? undefined }),
  );
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-label="Timeline">
      <h2>Timeline</h2>
      {pages.isError ? (
        <p className="form-error">Could not load the timeline: {pages.error.message}</p>
      ) : !pages.data ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">Nothing happened yet.</p>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {items.map((item) => (
            <Row key={`${item.kind}:${item.messageId}:${item.at}`} item={item} />
          ))}
        </ol>
      )}
      {pages.hasNextPage && (
        <button type="button" className="load-more" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          {pages.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
      {pages.data && !pages.hasNextPage && items.length > 0 && <p className="muted small">Beginning of the history.</p>}
    </section>
  );
}

function Row({ item }: { item: TimelineItem }) {
  const [open, setOpen] = useState(false);
  const line = describeItem(item);
  const hasProps = Object.keys(item.properties).length > 0;
  return (
    <li className={`timeline-item tl-${line.kind}`}>
      <span className="tl-time muted small">
        <When iso={item.at} />
      </span>
      <span className={`badge tl-badge tl-badge-${line.kind}`}>{line.kind}</span>
      <span className="tl-title">{line.title}</span>
      <span className="tl-detail muted small ellipsis">{line.detail}</span>
      {hasProps && (
        <button type="button" className="link-button small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Details'}
        </button>
      )}
      {open && <pre className="json tl-json">{JSON.stringify(item.properties, null, 2)}</pre>}
    </li>
  );
}
