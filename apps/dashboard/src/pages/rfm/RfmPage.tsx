import { useMemo } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { navigate, setSearchParams, useLocation, workspacePath } from '../../router';
import { formatCount } from '../../lib/format';
import { formatMoney, useCurrency } from '../../lib/money';
import { ExportLink } from '../../components/ExportLink';
import { rfmSegmentList } from '../segments/catalog';
import { ClvModelCard } from './ClvModelCard';
import { buildGrid, heatColor, heatText, segmentColors, type Metric } from './grid';
import '../segments/common.css';
import './rfm.css';
import { AsOfBanner } from '../../components/AsOfBanner';
import { PersonLink } from '../../components/PersonLink';
import { When } from '../../components/When';

/** The R × F grid of the workspace's customers; `?cell=<r>-<f>` lists one cell's profiles. */
export function RfmPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const currency = useCurrency(workspaceId);
  const queryClient = useQueryClient();
  const { search } = useLocation();
  const metric: Metric = search.get('metric') === 'revenue' ? 'revenue' : 'profiles';
  const cell = /^([1-5])-([1-5])$/.exec(search.get('cell') ?? '');
  const selected = cell ? { r: Number(cell[1]), f: Number(cell[2]) } : null;

  const grid = useQuery(trpc.profiles.rfmGrid.queryOptions({ workspaceId }));
  const rows = useMemo(() => buildGrid(grid.data?.cells ?? [], metric), [grid.data, metric]);
  const recompute = useMutation(trpc.profiles.recompute.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.profiles.pathFilter()) }));
  const bySegment = new Map((grid.data?.segments ?? []).map((s) => [s.segment, s]));
  const customers = (grid.data?.cells ?? []).reduce((n, c) => n + c.profiles, 0);

  return (
    <div className="rfm-page">
      <div className="page-header">
        <h1>RFM</h1>
        <div className="form-actions">
          <div className="segmented" role="group" aria-label="Show">
            <button type="button" aria-pressed={metric === 'profiles'} onClick={() => setSearchParams({ metric: undefined })}>
              Customers
            </button>
            <button type="button" aria-pressed={metric === 'revenue'} onClick={() => setSearchParams({ metric: 'revenue' })}>
              Revenue
            </button>
          </div>
          <button type="button" disabled={recompute.isPending} onClick={() => recompute.mutate({ workspaceId })} title="Features, RFM and segments are otherwise recomputed every 15 minutes">
            {recompute.isPending ? 'Recomputing…' : 'Recompute now'}
          </button>
        </div>
      </div>
      <AsOfBanner workspaceId={workspaceId} />
      {recompute.error && <p className="form-error">Could not recompute: {recompute.error.message}</p>}

      <div className="rfm-layout">
        <section className="card" aria-label="RFM grid">
          <h2>
            Recency × Frequency <span className="muted">· {formatCount(customers)} customers · {metric === 'profiles' ? 'customers' : 'net revenue'} per cell</span>
          </h2>
          {grid.isError ? (
            <p className="form-error">Could not load the grid: {grid.error.message}</p>
          ) : !grid.data ? (
            <p className="muted">Loading…</p>
          ) : (
            <div className="rfm-grid-wrap">
              <div className="rfm-axis-y">Recency (R) →</div>
              <table className="rfm-grid">
                <tbody>
                  {rows.map((row) => (
                    <tr key={row[0]!.r}>
                      <th scope="row">R {row[0]!.r}</th>
                      {row.map((c) => {
                        const isSel = selected?.r === c.r && selected.f === c.f;
                        return (
                          <td key={c.f}>
                            <button
                              type="button"
                              className={isSel ? 'rfm-cell selected' : 'rfm-cell'}
                              style={{ background: heatColor(c.heat), color: heatText(c.heat), borderColor: segmentColors[c.segment] }}
                              aria-label={`R ${c.r} F ${c.f}: ${c.profiles} customers, ${formatMoney(c.revenue)} revenue (${c.segment})`}
                              aria-pressed={isSel}
                              onClick={() => setSearchParams({ cell: isSel ? undefined : `${c.r}-${c.f}`, offset: undefined })}
                            >
                              <span className="rfm-value" data-testid={`rfm-cell-${c.r}-${c.f}`}>
                                {metric === 'profiles' ? formatCount(c.profiles) : formatMoney(c.revenue)}
                              </span>
                              <span className="rfm-name">{c.segment}</span>
                            </button>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                  <tr>
                    <th />
                    {[1, 2, 3, 4, 5].map((f) => (
                      <th key={f} scope="col">
                        F {f}
                      </th>
                    ))}
                  </tr>
                </tbody>
              </table>
              <div className="rfm-axis-x">Frequency (F) →</div>
            </div>
          )}
        </section>

        <section className="card rfm-legend" aria-label="Named segments">
          <h2>Named segments</h2>
          <ul>
            {rfmSegmentList.map((s) => {
              const row = bySegment.get(s);
              return (
                <li key={s}>
                  <span className="swatch" style={{ background: segmentColors[s] }} aria-hidden />
                  <span className="legend-name">{s}</span>
                  <span className="num">{formatCount(row?.profiles ?? 0)}</span>
                  <span className="num muted">{formatMoney(row?.revenue ?? 0, currency)}</span>
                </li>
              );
            })}
          </ul>
        </section>

        <ClvModelCard workspaceId={workspaceId} />
      </div>

      {selected && <CellProfiles workspaceId={workspaceId} r={selected.r} f={selected.f} />}
    </div>
  );
}

const pageSize = 50;

function CellProfiles({ workspaceId, r, f }: { workspaceId: string; r: number; f: number }) {
  const trpc = useTRPC();
  const currency = useCurrency(workspaceId);
  const { search } = useLocation();
  const offset = Math.max(0, Number(search.get('offset')) || 0);
  const profiles = useQuery(trpc.profiles.rfmCell.queryOptions({ workspaceId, r, f, limit: pageSize, offset }, { placeholderData: keepPreviousData }));
  const rows = profiles.data ?? [];
  const queryClient = useQueryClient();
  // The cell as a live segment: its members follow the scores as they are recomputed.
  const save = useMutation(
    trpc.segments.create.mutationOptions({
      onSuccess: async (s) => {
        await queryClient.invalidateQueries(trpc.segments.pathFilter());
        navigate(workspacePath(workspaceId, 'segments', s.id));
      },
    }),
  );
  const saveAsSegment = () =>
    save.mutate({
      workspaceId,
      name: `RFM R${r} F${f}`,
      description: `Customers whose recency score is ${r} and frequency score ${f}, kept current as the scores are recomputed.`,
      definition: {
        type: 'and',
        conditions: [
          { type: 'rfm_score', score: 'r', op: 'eq', value: r },
          { type: 'rfm_score', score: 'f', op: 'eq', value: f },
        ],
      },
    });
  return (
    <section className={profiles.isPlaceholderData ? 'card stale' : 'card'} aria-label="Cell profiles">
      <div className="section-head">
        <h2>
          Customers with R {r}, F {f}
        </h2>
        <div className="list-controls">
          <ExportLink workspaceId={workspaceId} rfm={{ r, f }} />
          <button type="button" disabled={save.isPending} onClick={saveAsSegment}>
            {save.isPending ? 'Saving…' : 'Save as segment'}
          </button>
        </div>
      </div>
      {save.error && <p className="form-error">Could not save the segment: {save.error.message}</p>}
      {profiles.isError ? (
        <p className="form-error">Could not load the cell: {profiles.error.message}</p>
      ) : !profiles.data ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 && offset === 0 ? (
        <p className="muted">No customers in this cell.</p>
      ) : (
        <>
          <table className="data-table rfm-cell-table">
            <thead>
              <tr>
                <th>Person</th>
                <th className="num">Orders</th>
                <th className="num">Net revenue</th>
                <th>Last order</th>
                <th className="num">M</th>
                <th>Segment</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id}>
                  <td>
                    <PersonLink workspaceId={workspaceId} person={{ profileId: p.id, name: p.name, email: p.email, userId: p.userId }} />
                  </td>
                  <td className="num">{formatCount(p.orders)}</td>
                  <td className="num">{formatMoney(p.revenue, currency)}</td>
                  <td>
                    <When iso={p.lastOrderAt} />
                  </td>
                  <td className="num">{p.m}</td>
                  <td>{p.segment}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" disabled={offset === 0} onClick={() => setSearchParams({ offset: offset > pageSize ? String(offset - pageSize) : undefined })}>
              Previous
            </button>
            <span className="muted">
              {formatCount(offset + 1)}–{formatCount(offset + rows.length)}
            </span>
            <button type="button" disabled={rows.length < pageSize} onClick={() => setSearchParams({ offset: String(offset + pageSize) })}>
              Next
            </button>
          </div>
        </>
      )}
    </section>
  );
}
