import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { setSearchParams, useLocation } from '../../router';
import { rfmSegmentList } from '../segments/catalog';
import { rfmCells, rfmFilterOf, rfmOptionValue, rfmParams } from './rfmFilter';
import { SaveAsSegment } from './SaveAsSegment';
import { PersonLink } from '../../components/PersonLink';
import { ExportLink } from '../../components/ExportLink';
import { When } from '../../components/When';
import { formatCount } from '../../lib/format';
import { formatMoney, useCurrency } from '../../lib/money';

const pageSize = 50;
const sorts = [
  { value: 'last_seen', label: 'Last seen' },
  { value: 'revenue', label: 'Revenue' },
  { value: 'orders', label: 'Orders' },
  { value: 'rfm', label: 'RFM score' },
  { value: 'first_seen', label: 'First seen' },
] as const;
type Sort = (typeof sorts)[number]['value'];

const isSort = (v: string | null): v is Sort => sorts.some((s) => s.value === v);

/** Every profile of the workspace, or those of a segment and/or an RFM name or cell, paged and sorted; the state lives in the URL. */
export function ProfileList({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const { search } = useLocation();
  const segmentId = search.get('segment') || undefined;
  const rfmFilter = rfmFilterOf(search);
  const sortParam = search.get('sort');
  const sort: Sort = isSort(sortParam) ? sortParam : 'last_seen';
  const descending = search.get('order') !== 'asc';
  const page = Math.max(0, Math.min(20_000, Number.parseInt(search.get('page') ?? '0', 10) || 0));
  const offset = page * pageSize;

  const segments = useQuery(trpc.segments.list.queryOptions({ workspaceId }));
  const list = useQuery(trpc.profiles.list.queryOptions({ workspaceId, segmentId, ...rfmFilter, sort, descending, limit: pageSize, offset }, { placeholderData: keepPreviousData }));
  const rows = list.data?.rows ?? [];
  const currency = useCurrency(workspaceId);
  const total = list.data?.total ?? 0;

  return (
    <section className={list.isPlaceholderData ? 'card stale' : 'card'} aria-label="All profiles">
      <div className="section-head">
        <h2>{list.data ? `${formatCount(total)} ${total === 1 ? 'person' : 'people'}` : 'People'}</h2>
        <div className="list-controls">
          <label>
            Segment
            <select value={segmentId ?? ''} onChange={(e) => setSearchParams({ segment: e.target.value || undefined, page: undefined })}>
              <option value="">Everyone</option>
              {segments.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            RFM
            <select aria-label="RFM" value={rfmOptionValue(rfmFilter)} onChange={(e) => setSearchParams({ ...rfmParams(e.target.value), page: undefined })}>
              <option value="">Any</option>
              <optgroup label="RFM segments">
                {rfmSegmentList.map((name) => (
                  <option key={name} value={`name:${name}`}>
                    {name}
                  </option>
                ))}
              </optgroup>
              <optgroup label="RFM cells">
                {rfmCells.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
          <label>
            Sort by
            <select value={sort} onChange={(e) => setSearchParams({ sort: e.target.value, page: undefined })}>
              {sorts.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => setSearchParams({ order: descending ? 'asc' : undefined, page: undefined })} aria-label="Sort order">
            {descending ? 'Highest first' : 'Lowest first'}
          </button>
          <ExportLink workspaceId={workspaceId} segmentId={segmentId} {...rfmFilter} />
        </div>
      </div>
      {(segmentId || rfmFilter) && <SaveAsSegment workspaceId={workspaceId} segmentId={segmentId} rfmFilter={rfmFilter} segmentName={segments.data?.find((s) => s.id === segmentId)?.name} />}
      {list.isError ? (
        <p className="form-error">Could not list profiles: {list.error.message}</p>
      ) : !list.data ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">{segmentId || rfmFilter ? 'Nobody matches these filters yet.' : 'No profiles yet: send events from the Install page.'}</p>
      ) : (
        <>
          <table className="data-table profile-list">
            <thead>
              <tr>
                <th>Person</th>
                <th>Last seen</th>
                <th className="num">Orders</th>
                <th className="num">Revenue</th>
                <th>RFM</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id}>
                  <td>
                    <PersonLink workspaceId={workspaceId} person={{ profileId: p.id, name: p.name, email: p.email, userId: p.userId }} />
                  </td>
                  <td>
                    <When iso={p.lastSeen} />
                  </td>
                  <td className="num">{formatCount(p.orders)}</td>
                  <td className="num">{formatMoney(p.revenue, currency)}</td>
                  <td>{p.rfmSegment ? `${p.rfmSegment} (${p.rfm})` : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" disabled={page === 0} onClick={() => setSearchParams({ page: page > 1 ? String(page - 1) : undefined })}>
              Previous
            </button>
            <span className="muted">
              {formatCount(offset + 1)}–{formatCount(offset + rows.length)} of {formatCount(total)}
            </span>
            <button type="button" disabled={offset + rows.length >= total} onClick={() => setSearchParams({ page: String(page + 1) })}>
              Next
            </button>
          </div>
        </>
      )}
    </section>
  );
}
