import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { PersonLink } from '../../components/PersonLink';
import { ExportLink } from '../../components/ExportLink';
import { formatCount } from '../../lib/format';
import { When } from '../../components/When';

const pageSize = 50;

/** The materialised members of a saved segment, a page at a time, each linking to its profile. */
export function SegmentMembers({ workspaceId, segmentId }: { workspaceId: string; segmentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [offset, setOffset] = useState(0);
  const members = useQuery(trpc.segments.members.queryOptions({ workspaceId, id: segmentId, limit: pageSize, offset }, { placeholderData: keepPreviousData }));
  const refresh = useMutation(
    trpc.segments.refresh.mutationOptions({
      onSuccess: () => Promise.all([queryClient.invalidateQueries(trpc.segments.pathFilter())]),
    }),
  );
  const rows = members.data ?? [];
  return (
    <section className={members.isPlaceholderData ? 'card stale' : 'card'} aria-label="Members">
      <div className="section-head">
        <h2>Members</h2>
        <div className="list-controls">
          <ExportLink workspaceId={workspaceId} segmentId={segmentId} />
          <button type="button" disabled={refresh.isPending} onClick={() => refresh.mutate({ workspaceId, id: segmentId })}>
            {refresh.isPending ? 'Refreshing…' : 'Refresh membership now'}
          </button>
        </div>
      </div>
      {refresh.data && (
        <p className="muted" role="status">
          {formatCount(refresh.data.size)} members · {refresh.data.entered} entered · {refresh.data.exited} exited
        </p>
      )}
      {refresh.error && <p className="form-error">Could not refresh: {refresh.error.message}</p>}
      {members.isError ? (
        <p className="form-error">Could not load members: {members.error.message}</p>
      ) : !members.data ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 && offset === 0 ? (
        <p className="muted">No members yet.</p>
      ) : (
        <>
          <table className="data-table members-table">
            <thead>
              <tr>
                <th>Person</th>
                <th>Member since</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.profileId}>
                  <td>
                    <PersonLink workspaceId={workspaceId} person={m} />
                  </td>
                  <td>
                    <When iso={m.since} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
              Previous
            </button>
            <span className="muted">
              {formatCount(offset + 1)}–{formatCount(offset + rows.length)}
            </span>
            <button type="button" disabled={rows.length < pageSize} onClick={() => setOffset(offset + pageSize)}>
              Next
            </button>
          </div>
        </>
      )}
    </section>
  );
}
