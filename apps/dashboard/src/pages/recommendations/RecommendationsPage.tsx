import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';

const strategies = ['for_you', 'best_sellers', 'trending', 'new_arrivals', 'recently_viewed', 'buy_again', 'bought_together', 'similar'] as const;
type Strategy = (typeof strategies)[number];

const pct = (m: { hit_rate: number; recall: number } | null) => (m ? `${(m.hit_rate * 100).toFixed(1)}% / ${(m.recall * 100).toFixed(1)}%` : '—');

/** Offline evaluation of every strategy against best sellers, and what a strategy shows one person. */
export function RecommendationsPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [cutoff, setCutoff] = useState('');
  const evaluate = useMutation(trpc.recommendations.evaluate.mutationOptions());
  const [id, setId] = useState('');
  const [strategy, setStrategy] = useState<Strategy>('for_you');
  const [productId, setProductId] = useState('');
  const preview = useQuery(trpc.recommendations.preview.queryOptions({ workspaceId, id, strategy, productId, limit: 10 }));
  const result = evaluate.data;

  return (
    <div className="recommendations-page">
      <div className="page-header">
        <h1>Recommendations</h1>
      </div>
      <section>
        <h2>Offline evaluation</h2>
        <p className="muted">Trains on everything before the cut-off and checks what each person bought after it: hit rate / recall at 10, for items they had bought before (repeat) and items new to them.</p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            evaluate.mutate({ workspaceId, cutoff });
          }}
        >
          <label>
            Cut-off <input type="date" aria-label="Cut-off" value={cutoff} onChange={(e) => setCutoff(e.target.value)} required />
          </label>{' '}
          <button type="submit" disabled={evaluate.isPending || !cutoff}>
            {evaluate.isPending ? 'Evaluating…' : 'Evaluate'}
          </button>
        </form>
        {evaluate.error && <p className="error">{evaluate.error.message}</p>}
        {result && (
          <>
            <p className="muted">
              {result.people} people bought between {result.cutoff.slice(0, 10)} and {result.test_until.slice(0, 10)}; model trained in {result.train_s} s.
            </p>
            <table className="events-table" data-testid="recs-evaluation">
              <thead>
                <tr>
                  <th>Strategy</th>
                  <th>All</th>
                  <th>Repeat</th>
                  <th>New</th>
                  <th>vs best sellers (all, new)</th>
                </tr>
              </thead>
              <tbody>
                {result.strategies.map((s) => (
                  <tr key={s.strategy}>
                    <td>{s.strategy}</td>
                    <td>{pct(s.all)}</td>
                    <td>{pct(s.repeat)}</td>
                    <td>{pct(s.new)}</td>
                    <td>
                      {s.lift_all ?? '—'}×, {s.lift_new ?? '—'}×
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section>
        <h2>Preview</h2>
        <div className="form-row">
          <input aria-label="Person" placeholder="Profile, user or anonymous id" value={id} onChange={(e) => setId(e.target.value.trim())} />{' '}
          <select aria-label="Strategy" value={strategy} onChange={(e) => setStrategy(e.target.value as Strategy)}>
            {strategies.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>{' '}
          <input aria-label="Product" placeholder="Product id (bought together, similar)" value={productId} onChange={(e) => setProductId(e.target.value.trim())} />
        </div>
        {preview.error && <p className="error">{preview.error.message}</p>}
        {preview.data && (
          <>
            <p className="muted">
              {id && !preview.data.profileId ? 'No such person: shown as a new visitor. ' : ''}
              {preview.data.fallback ? `Too little data: filled from ${preview.data.fallback}.` : ''}
            </p>
            <ol data-testid="recs-preview">
              {preview.data.items.map((p) => (
                <li key={p.product_id}>
                  <strong>{p.name}</strong> <span className="muted">{p.product_id}</span> — {p.reason}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </div>
  );
}
