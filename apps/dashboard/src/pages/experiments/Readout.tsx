import { lazy, Suspense, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@overture/api';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { formatCount } from '../../lib/format';
import { ExportLink } from '../../components/ExportLink';
import { formatUplift, formatValue, intervalBars, type IntervalBar } from './interval';

type MetricReadout = inferRouterOutputs<AppRouter>['experiments']['readout']['readout']['metrics'][number];

// recharts is most of the bundle's weight: loaded only for a bandit's readout.
const WeightsChart = lazy(() => import('./WeightsChart').then((m) => ({ default: m.WeightsChart })));

const engineLabel: Record<string, string> = { bayesian: 'Bayesian', frequentist: 'Frequentist (fixed horizon)', sequential: 'Frequentist, sequential (safe to peek)' };

/** One experiment: per metric and variant its value, uplift over the control with the interval drawn around zero, and the decision. */
export function Readout({ workspaceId, experimentId }: { workspaceId: string; experimentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [correction, setCorrection] = useState<'holm' | 'bh'>('holm');
  const q = useQuery(trpc.experiments.readout.queryOptions({ workspaceId, experimentId, correction }));
  const invalidate = () => queryClient.invalidateQueries(trpc.experiments.pathFilter());
  const stop = useMutation(trpc.experiments.stop.mutationOptions({ onSuccess: invalidate }));
  const pick = useMutation(trpc.experiments.pickWinner.mutationOptions({ onSuccess: invalidate }));
  const settings = useMutation(trpc.experiments.updateSettings.mutationOptions({ onSuccess: invalidate }));
  const toBandit = useMutation(trpc.experiments.switchToBandit.mutationOptions({ onSuccess: invalidate }));
  const refresh = useMutation(trpc.experiments.refreshReadout.mutationOptions({ onSuccess: invalidate }));
  const bandit = q.data?.experiment.allocation === 'bandit';
  const weights = useQuery(trpc.experiments.weights.queryOptions({ workspaceId, experimentId }, { enabled: bandit }));
  if (q.isPending) return <p className="muted">Computing the readout…</p>;
  if (q.isError) return <p role="alert">{q.error.message}</p>;
  const { experiment: e, readout: r, daysRunning, asOf } = q.data;
  const error = stop.error ?? pick.error ?? settings.error ?? toBandit.error ?? refresh.error;
  const [journeyId, nodeId] = e.kind === 'journey_split' ? e.sourceRef.split('/') : [];
  const holdout = e.kind === 'holdout';

  return (
    <div className="experiment-readout">
      <p>
        <Link to={workspacePath(workspaceId, 'experiments')}>← Experiments</Link>
      </p>
      <div className="page-header">
        <h1>{e.name}</h1>
        <span className={`badge status-${e.status}`}>{e.status === 'winner' ? `Winner: ${e.winner}` : e.status === 'running' ? 'Running' : 'Stopped'}</span>
      </div>
      <p className="muted">
        {formatCount(r.exposures)} exposed profiles over {daysRunning.toFixed(1)} days · {engineLabel[r.engine]} · control: {r.variants[0]?.name}
        {journeyId && (
          <>
            {' · '}
            <Link to={workspacePath(workspaceId, 'journeys', journeyId)}>journey split “{nodeId}”</Link>
          </>
        )}
        {holdout && (
          <>
            {' · '}
            <Link to={workspacePath(workspaceId, 'journey-settings')}>the share is set in journey settings</Link>; the control group gets no marketing message, and the uplift is the whole program&apos;s
          </>
        )}
        {e.kind === 'message' && (
          <>
            {' · '}
            <Link to={workspacePath(workspaceId, 'messages', e.sourceRef)}>the message template</Link>
          </>
        )}
      </p>
      {r.srm.flagged && (
        <p className="srm-warning" role="alert" data-testid="srm-warning">
          Sample ratio mismatch (p = {r.srm.pValue.toExponential(1)}): exposures are {r.variants.map((v) => `${v.name} ${formatCount(v.n)}`).join(', ')} for weights {r.variants.map((v) => Math.round(v.weight * 10) / 10).join(' / ')}. Something in the
          assignment or the exposure logging is broken; do not trust these results.
        </p>
      )}
      <p className="muted readout-as-of">
        <span data-testid="readout-as-of">As of {new Date(asOf).toLocaleString()}</span>{' '}
        <button type="button" onClick={() => refresh.mutate({ workspaceId, experimentId })} disabled={refresh.isPending}>
          {refresh.isPending ? 'Recomputing…' : 'Refresh'}
        </button>
      </p>
      <p className={`verdict-line verdict-${r.verdict.status}`} data-testid="verdict">
        {r.verdict.text}
      </p>
      <div className="readout-actions">
        {e.status === 'running' && (
          <button type="button" onClick={() => stop.mutate({ workspaceId, experimentId })} disabled={stop.isPending}>
            {holdout ? 'End the holdout (everyone gets marketing again)' : 'Stop experiment'}
          </button>
        )}
        {e.status !== 'winner' &&
          !holdout &&
          r.variants.map((v) => (
            <button key={v.name} type="button" onClick={() => pick.mutate({ workspaceId, experimentId, variant: v.name })} disabled={pick.isPending}>
              Pick {v.name} (100 %)
            </button>
          ))}
        {e.status === 'running' && !bandit && (e.kind === 'message' || e.kind === 'onsite') && (
          <button type="button" onClick={() => toBandit.mutate({ workspaceId, experimentId })} disabled={toBandit.isPending} title="Thompson sampling moves traffic toward the variant most likely to be best on the goal metric, on a schedule; every variant keeps at least 5 %">
            Switch to a bandit
          </button>
        )}
        <label>
          Engine{' '}
          <select value={e.engine} onChange={(ev) => settings.mutate({ workspaceId, experimentId, engine: ev.target.value as 'bayesian' | 'frequentist' })}>
            <option value="bayesian">Bayesian</option>
            <option value="frequentist">Frequentist</option>
          </select>
        </label>
        <label>
          <input type="checkbox" checked={e.sequential} onChange={(ev) => settings.mutate({ workspaceId, experimentId, sequential: ev.target.checked })} /> Sequential
        </label>
        <label>
          Correction{' '}
          <select value={correction} onChange={(ev) => setCorrection(ev.target.value as 'holm' | 'bh')}>
            <option value="holm">Holm–Bonferroni</option>
            <option value="bh">Benjamini–Hochberg</option>
          </select>
        </label>
      </div>
      <p className="readout-exports" aria-label="Export each variant's people">
        <span className="muted">People of each variant (first exposure), as CSV:</span>
        {r.variants.map((v) => (
          <ExportLink key={v.name} workspaceId={workspaceId} experiment={{ id: e.id, variant: v.name }} label={`${v.name} (${formatCount(v.n)})`} />
        ))}
      </p>
      {error && <p role="alert" className="form-error">{error.message}</p>}
      {bandit && (
        <section className="readout-metric" aria-label="Bandit weights">
          <h2>
            Bandit weights <span className="badge">Thompson sampling, at least {Math.round(e.minWeight * 100)} % each</span>
          </h2>
          <p className="muted">
            Traffic moves toward the variant most likely to be best on {r.metrics[0]?.name}. Each profile is counted in the variant of its first exposure; the sample-ratio check does not apply while the weights move.
          </p>
          {weights.data && weights.data.length > 0 ? (
            <Suspense fallback={<div className="chart-placeholder muted">Loading…</div>}>
              <WeightsChart points={weights.data} variants={e.variants.map((v) => v.name)} />
            </Suspense>
          ) : (
            <p className="muted">No re-weighting yet.</p>
          )}
        </section>
      )}
      {r.metrics.map((m) => (
        <MetricTable key={m.name} metric={m} control={r.variants[0]?.name ?? ''} />
      ))}
    </div>
  );
}

function MetricTable({ metric: m, control }: { metric: MetricReadout; control: string }) {
  const bars = intervalBars(m.comparisons, m.guardrail);
  const byVariant = new Map(m.comparisons.map((c, i) => [c.variant, { c, bar: bars[i]! }]));
  return (
    <section className="readout-metric" aria-label={m.name}>
      <h2>
        {m.name} {m.guardrail && <span className="badge">guardrail</span>} {m.cuped && <span className="badge" title="Variance reduced with the same metric before exposure">CUPED</span>}
      </h2>
      {m.warning && (
        <p className="guardrail-warning" role="alert">
          A variant makes {m.name.toLowerCase()} worse.
        </p>
      )}
      {m.note && <p className="muted">{m.note}</p>}
      <table className="events-table readout-table" data-testid={`readout-${m.name}`}>
        <thead>
          <tr>
            <th>Variant</th>
            <th>Exposed</th>
            <th>{m.kind === 'conversion' || m.kind === 'guardrail' ? 'Rate' : 'Per profile'}</th>
            <th>Uplift</th>
            <th>Interval around 0</th>
            <th>{m.comparisons[0]?.chanceToWin !== undefined ? 'Chance to win' : 'p-value (adjusted)'}</th>
          </tr>
        </thead>
        <tbody>
          {m.variants.map((v) => {
            const x = byVariant.get(v.name);
            return (
              <tr key={v.name}>
                <td>{v.name === control ? `${v.name} (control)` : v.name}</td>
                <td>{formatCount(v.n)}</td>
                <td>{formatValue(v.value, m.kind)}</td>
                <td>{x ? formatUplift(x.c.expected, x.c.difference) : '—'}</td>
                <td>{x ? <IntervalSvg bar={x.bar} label={`${formatUplift(x.c.ci[0], x.c.difference)} to ${formatUplift(x.c.ci[1], x.c.difference)}`} /> : null}</td>
                <td>{x ? (x.c.chanceToWin !== undefined ? `${(x.c.chanceToWin * 100).toFixed(1)} %` : `${x.c.pValue!.toPrecision(2)}${x.c.adjustedPValue !== undefined ? ` (${x.c.adjustedPValue.toPrecision(2)})` : ''}`) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

const width = 220;
const height = 22;

function IntervalSvg({ bar, label }: { bar: IntervalBar; label: string }) {
  const x = (u: number) => u * width;
  return (
    <svg className={`interval interval-${bar.tone}`} width={width} height={height} role="img" aria-label={`interval ${label}`}>
      <title>{label}</title>
      <line x1={x(bar.zero)} x2={x(bar.zero)} y1={0} y2={height} className="interval-zero" />
      <rect x={x(bar.lo)} y={6} width={Math.max(1, x(bar.hi) - x(bar.lo))} height={height - 12} rx={3} className="interval-bar" />
      <circle cx={x(bar.point)} cy={height / 2} r={3.5} className="interval-point" />
    </svg>
  );
}
