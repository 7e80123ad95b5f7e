import { lazy, Suspense, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, navigate, workspacePath } from '../../router';
import { formatCount } from '../../lib/format';
import { emptyDraft, statusLabel, triggerSummary } from './nodeTypes';
import './journeys.css';
import { formatMoney, useCurrency } from '../../lib/money';

// The canvas library is heavy: load it with the builder only.
const Builder = lazy(() => import('./Builder'));

/** `/w/<ws>/journeys` lists journeys; `/w/<ws>/journeys/<id>` opens one in the builder. */
export function JourneysPage({ workspaceId, rest }: { workspaceId: string; rest: string[] }) {
  const journeyId = rest[0];
  if (journeyId) {
    return (
      <Suspense fallback={<p className="muted">Loading the builder…</p>}>
        <Builder key={journeyId} workspaceId={workspaceId} journeyId={journeyId} />
      </Suspense>
    );
  }
  return <JourneyList workspaceId={workspaceId} />;
}

const percent = (n: number | null) => (n === null ? '—' : `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)}%`);

function JourneyList({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [archived, setArchived] = useState(false);
  const list = useQuery(trpc.journeys.list.queryOptions({ workspaceId, includeArchived: archived }, { refetchInterval: 10_000 }));
  const segments = useQuery(trpc.segments.list.queryOptions({ workspaceId }));
  const currency = useCurrency(workspaceId);
  const segmentName = (id: string) => segments.data?.find((s) => s.id === id)?.name;
  const [creating, setCreating] = useState(false);
  return (
    <div className="journeys-page">
      <div className="page-header">
        <h1>Journeys</h1>
        <label className="check-field show-archived">
          <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> Show archived
        </label>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New journey
        </button>
      </div>
      {creating && <CreateJourney workspaceId={workspaceId} onCancel={() => setCreating(false)} />}
      {list.isPending ? (
        <p className="muted">Loading journeys…</p>
      ) : list.isError ? (
        <p className="form-error">Could not load journeys: {list.error.message}</p>
      ) : list.data.length === 0 ? (
        <section className="card empty">
          <p>No journeys yet. A journey reacts to what a profile does (an event, a segment, a date) with waits, splits and messages.</p>
        </section>
      ) : (
        <table className="journeys-table card">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Trigger</th>
              <th className="num">Entered</th>
              <th className="num">In flight</th>
              <th className="num">Conversions</th>
              <th className="num">Revenue</th>
              <th className="num" title="Conversion rate against the holdout">Lift vs holdout</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((j) => (
              <tr key={j.id} data-testid={`journey-row-${j.id}`}>
                <td>
                  <Link to={workspacePath(workspaceId, 'journeys', j.id)}>{j.name}</Link>
                </td>
                <td>
                  <span className={`status-badge ${j.status}`}>{statusLabel(j.status, j.publishedVersion)}</span>
                </td>
                <td>{triggerSummary(j.trigger, { segment: segmentName })}</td>
                <td className="num">{formatCount(j.entered)}</td>
                <td className="num">{formatCount(j.inFlight)}</td>
                <td className="num">{formatCount(j.conversions)}</td>
                <td className="num">{formatMoney(j.revenue, currency)}</td>
                <td className="num">{percent(j.lift)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function CreateJourney({ workspaceId, onCancel }: { workspaceId: string; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [event, setEvent] = useState('');
  const create = useMutation(
    trpc.journeys.create.mutationOptions({
      onSuccess: (j) => {
        void queryClient.invalidateQueries(trpc.journeys.list.queryFilter());
        navigate(workspacePath(workspaceId, 'journeys', j.id));
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ workspaceId, name, draft: emptyDraft(event.trim()) });
  };
  return (
    <form className="card create-journey" onSubmit={submit}>
      <label>
        Journey name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="Abandoned checkout" />
      </label>
      <label>
        Trigger event
        <input value={event} onChange={(e) => setEvent(e.target.value)} placeholder="Checkout Started" />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
          Create journey
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {create.isError && <p className="form-error">{create.error.message}</p>}
    </form>
  );
}
