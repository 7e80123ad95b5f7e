import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { formatCount } from '../../lib/format';
import { Readout } from './Readout';
import './experiments.css';

export const kindLabel: Record<string, string> = { journey_split: 'Journey split', message: 'Message variants', onsite: 'Onsite variants', holdout: 'Holdout' };
export const statusLabel: Record<string, string> = { running: 'Running', stopped: 'Stopped', winner: 'Winner picked' };
const verdictLabel: Record<string, string> = { winner: 'Winner', no_difference: 'No winner', keep_running: 'Keep running', srm: 'Sample ratio mismatch' };

/** Every experiment of the workspace; `rest[0]` (an id or a key, as the journey builder links) opens its readout. */
export function ExperimentsPage({ workspaceId, rest }: { workspaceId: string; rest: string[] }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.experiments.list.queryOptions({ workspaceId }));
  const wanted = rest[0];
  if (wanted) {
    const found = list.data?.find((e) => e.id === wanted || e.key === wanted);
    if (list.isPending) return <p className="muted">Loading…</p>;
    if (!found) return <p role="alert">No experiment “{wanted}” here yet: a journey’s split becomes one when the journey is published, an onsite placement’s or a message template’s variants when it is saved.</p>;
    return <Readout workspaceId={workspaceId} experimentId={found.id} />;
  }
  return (
    <div className="experiments-page">
      <div className="page-header">
        <h1>Experiments</h1>
      </div>
      <p className="muted">Journey splits, message and onsite variants and holdouts, judged on their goal metrics with the guardrails beside them.</p>
      <table className="events-table" data-testid="experiments-table">
        <thead>
          <tr>
            <th>Experiment</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Exposures</th>
            <th>Days running</th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((e) => (
            <tr key={e.id}>
              <td>
                <Link to={workspacePath(workspaceId, 'experiments', e.id)}>{e.name}</Link>
              </td>
              <td>{kindLabel[e.kind] ?? e.kind}</td>
              <td>{e.status === 'winner' ? `${statusLabel.winner}: ${e.winner}` : statusLabel[e.status]}</td>
              <td>{formatCount(e.exposures)}</td>
              <td>{e.daysRunning.toFixed(1)}</td>
              <td className={`verdict verdict-${e.verdict.status}`}>{e.verdict.status === 'winner' ? `${verdictLabel.winner}: ${e.verdict.variant}` : verdictLabel[e.verdict.status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.length === 0 && <p className="muted">No experiments yet. Add a split to a journey and publish it, give an onsite placement or a message template variants, or create one through the API.</p>}
    </div>
  );
}
