import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { formatCount } from '../../lib/format';
import { SegmentBuilder } from './SegmentBuilder';
import { formatMoney, formatShare } from './pie';
import './common.css';
import './segments.css';
import { AsOfBanner } from '../../components/AsOfBanner';
import { When } from '../../components/When';

// recharts is heavy: load it with the PIE chart only.
const PieChart = lazy(() => import('./PieChart').then((m) => ({ default: m.PieChart })));

/** `/segments` lists segments with sizes and the PIE view; `/segments/new` and `/segments/<id>` open the builder. */
export function SegmentsPage({ workspaceId, rest }: { workspaceId: string; rest: string[] }) {
  const [first] = rest;
  if (first === 'new') return <SegmentBuilder workspaceId={workspaceId} segmentId={null} />;
  if (first) return <SegmentBuilder key={first} workspaceId={workspaceId} segmentId={first} />;
  return <SegmentList workspaceId={workspaceId} />;
}

function SegmentList({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const segments = useQuery(trpc.segments.list.queryOptions({ workspaceId }));
  const pie = useQuery(trpc.segments.pie.queryOptions({ workspaceId }));
  return (
    <div className="segments-page">
      <div className="page-header">
        <h1>Segments</h1>
        <Link to={workspacePath(workspaceId, 'segments', 'new')} className="button-link primary">
          New segment
        </Link>
      </div>
      <AsOfBanner workspaceId={workspaceId} />

      <section className="card" aria-label="Segment list">
        {segments.isError ? (
          <p className="form-error">Could not load segments: {segments.error.message}</p>
        ) : !segments.data ? (
          <p className="muted">Loading…</p>
        ) : segments.data.length === 0 ? (
          <p className="muted">No segments yet. Create one to carve an audience out of your profiles.</p>
        ) : (
          <table className="data-table segments-table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Members</th>
                <th>Refreshed</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {segments.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={workspacePath(workspaceId, 'segments', s.id)}>{s.name}</Link>
                  </td>
                  <td className="num" data-testid="segment-size">
                    {s.size === null ? <span className="muted">not computed</span> : formatCount(s.size)}
                  </td>
                  <td>
                    <When iso={s.refreshedAt} />
                  </td>
                  <td className="muted ellipsis">{s.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-label="PIE view">
        <h2>PIE: Potential, Importance, Ease</h2>
        <p className="muted small">
          Potential is the members’ summed CLTV estimate; Importance their number and share of revenue; Ease the share reachable by email (with consent), web push
          and onsite (visited in the last 30 days).
        </p>
        {pie.isError ? (
          <p className="form-error">Could not load the PIE view: {pie.error.message}</p>
        ) : !pie.data ? (
          <p className="muted">Loading…</p>
        ) : pie.data.length === 0 ? (
          <p className="muted">No segments to compare yet.</p>
        ) : (
          <>
            <Suspense fallback={<div className="chart-placeholder muted">Loading chart…</div>}>
              <PieChart rows={pie.data} />
            </Suspense>
            <table className="data-table pie-table">
              <thead>
                <tr>
                  <th rowSpan={2}>Segment</th>
                  <th className="num">Potential</th>
                  <th colSpan={3} className="center">
                    Importance
                  </th>
                  <th colSpan={3} className="center">
                    Ease (reachable)
                  </th>
                </tr>
                <tr>
                  <th className="num">CLTV at stake</th>
                  <th className="num">Members</th>
                  <th className="num">% of profiles</th>
                  <th className="num">% of revenue</th>
                  <th className="num">Email</th>
                  <th className="num">Web push</th>
                  <th className="num">Onsite</th>
                </tr>
              </thead>
              <tbody>
                {pie.data.map((r) => (
                  <tr key={r.segmentId}>
                    <td>
                      <Link to={workspacePath(workspaceId, 'segments', r.segmentId)}>{r.name}</Link>
                    </td>
                    <td className="num">{formatMoney(r.potential)}</td>
                    <td className="num">{formatCount(r.size)}</td>
                    <td className="num">{formatShare(r.shareOfProfiles)}</td>
                    <td className="num">{formatShare(r.shareOfRevenue)}</td>
                    <td className="num">{formatShare(r.reach.email)}</td>
                    <td className="num">{formatShare(r.reach.webPush)}</td>
                    <td className="num">{formatShare(r.reach.onsite)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </div>
  );
}
