import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { useDebounced } from '../../lib/useDebounced';
import './recommendations.css';

const strategies = ['for_you', 'best_sellers', 'trending', 'new_arrivals', 'recently_viewed', 'buy_again', 'bought_together', 'similar'] as const;
type Strategy = (typeof strategies)[number];

const pct = (m: { hit_rate: number; recall: number } | null) => (m ? `${(m.hit_rate * 100).toFixed(1)}% / ${(m.recall * 100).toFixed(1)}%` : '—');

const money = (n: number) => n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Online results: blocks shown, clicked, and the carts, orders and revenue attributed to them. */
function OnlineMetrics({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [days, setDays] = useState(30);
  const online = useQuery(trpc.recommendations.online.queryOptions({ workspaceId, days }, { placeholderData: keepPreviousData }));
  return (
    <section className="card" aria-label="Online results">
      <h2>Online results</h2>
      <div className="controls">
        <label>
          Blocks shown in the last
          <select aria-label="Period" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {[7, 30, 90, 365].map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
      </div>
      {online.error && <p className="error">{online.error.message}</p>}
      {online.data && (
        <>
          <p className="muted">
            A click is a visit through a recommended link (it carries <code>rec=</code>); carts and orders of a recommended product by that person within {online.data.windowDays} days of the click are attributed, and
            revenue counts the recommended lines only.
          </p>
          {online.data.rows.length === 0 ? (
            <p className="muted">No recommendation blocks shown in this period.</p>
          ) : (
            <table className="events-table" data-testid="recs-online">
              <thead>
                <tr>
                  <th>Strategy</th>
                  <th>Where</th>
                  <th className="num">Impressions</th>
                  <th className="num">Clicks</th>
                  <th className="num">CTR</th>
                  <th className="num">Add to carts</th>
                  <th className="num">Orders</th>
                  <th className="num">Revenue</th>
                </tr>
              </thead>
              <tbody>
                {online.data.rows.map((r) => (
                  <tr key={`${r.strategy}:${r.source_kind}:${r.source_id}`}>
                    <td>{r.strategy}</td>
                    <td>
                      {r.source_name} <span className="muted">{r.source_kind === 'placement' ? 'onsite' : 'message'}</span>
                    </td>
                    <td className="num">{r.impressions}</td>
                    <td className="num">{r.clicks}</td>
                    <td className="num">{(r.ctr * 100).toFixed(1)}%</td>
                    <td className="num">{r.add_to_carts}</td>
                    <td className="num">{r.orders}</td>
                    <td className="num">{money(r.revenue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** Online results, offline evaluation of every strategy against best sellers, and what a strategy shows one person. */
export function RecommendationsPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [cutoff, setCutoff] = useState('');
  const evaluate = useMutation(trpc.recommendations.evaluate.mutationOptions());
  const [id, setId] = useState('');
  const [strategy, setStrategy] = useState<Strategy>('for_you');
  const [productId, setProductId] = useState('');
  const preview = useQuery(trpc.recommendations.preview.queryOptions({ workspaceId, id, strategy, productId, limit: 10 }, { placeholderData: keepPreviousData }));
  // The person field searches profiles (email, user id...) as one types; any id typed is used as is.
  const q = useDebounced(id, 250);
  const people = useQuery(trpc.profiles.search.queryOptions({ workspaceId, q, limit: 10 }, { enabled: q.length >= 2 }));
  const result = evaluate.data;

  return (
    <div className="recommendations-page">
      <div className="page-header">
        <h1>Recommendations</h1>
      </div>
      <OnlineMetrics workspaceId={workspaceId} />
      <section className="card" aria-label="Offline evaluation">
        <h2>Offline evaluation</h2>
        <p className="muted">Trains on everything before the cut-off and checks what each person bought after it: hit rate / recall at 10, for items they had bought before (repeat) and items new to them.</p>
        <form
          className="controls"
          onSubmit={(e) => {
            e.preventDefault();
            evaluate.mutate({ workspaceId, cutoff });
          }}
        >
          <label>
            Cut-off
            <input type="date" aria-label="Cut-off" value={cutoff} onChange={(e) => setCutoff(e.target.value)} required />
          </label>
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
      <section className="card" aria-label="Preview">
        <h2>Preview</h2>
        <div className="controls">
          <label>
            Person
            <input aria-label="Person" list="recs-people" placeholder="Search by email, user or profile id" value={id} onChange={(e) => setId(e.target.value.trim())} />
            <datalist id="recs-people">
              {(q.length >= 2 ? (people.data ?? []) : []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.email || p.matched}
                </option>
              ))}
            </datalist>
          </label>
          <label>
            Strategy
            <select aria-label="Strategy" value={strategy} onChange={(e) => setStrategy(e.target.value as Strategy)}>
              {strategies.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Product
            <input aria-label="Product" placeholder="id, for bought together / similar" value={productId} onChange={(e) => setProductId(e.target.value.trim())} />
          </label>
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
