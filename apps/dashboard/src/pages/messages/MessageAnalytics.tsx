import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { formatCount } from '../../lib/format';
import { formatMoney, useCurrency } from '../../lib/money';

const columns = [
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['opened', 'Opened'],
  ['clicked', 'Clicked'],
  ['bounced', 'Bounced'],
  ['unsubscribed', 'Unsubscribed'],
  ['impressions', 'Shown'],
  ['dismissed', 'Dismissed'],
  ['converted', 'Converted'],
] as const;

const rate = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)} %` : '');

/** Outcomes per template (or onsite placement) or per journey; rates are of messages sent, for onsite of shows. */
export function MessageAnalytics({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [by, setBy] = useState<'template' | 'journey'>('template');
  const [days, setDays] = useState(30);
  const stats = useQuery(trpc.messages.analytics.queryOptions({ workspaceId, by, days }));
  const currency = useCurrency(workspaceId);
  return (
    <section className="card" aria-label="Message analytics">
      <div className="section-head">
        <h2>Analytics</h2>
        <div className="analytics-controls">
          <label>
            Per
            <select value={by} onChange={(e) => setBy(e.target.value as 'template' | 'journey')}>
              <option value="template">template</option>
              <option value="journey">journey</option>
            </select>
          </label>
          <label>
            Period
            <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
              <option value={7}>7 days</option>
              <option value={30}>30 days</option>
              <option value={90}>90 days</option>
              <option value={365}>365 days</option>
            </select>
          </label>
        </div>
      </div>
      {stats.isError ? (
        <p className="form-error">Could not load analytics: {stats.error.message}</p>
      ) : !stats.data ? (
        <p className="muted">Loading…</p>
      ) : stats.data.length === 0 ? (
        <p className="muted">No messages in the last {days} days.</p>
      ) : (
        <table className="data-table analytics-table">
          <thead>
            <tr>
              <th>{by === 'template' ? 'Template' : 'Journey'}</th>
              {columns.map(([k, label]) => (
                <th key={k} className="num">
                  {label}
                </th>
              ))}
              <th className="num">Revenue</th>
              <th className="num" title="Attributed revenue per message sent (for onsite placements, per show)">Per recipient</th>
            </tr>
          </thead>
          <tbody>
            {stats.data.map((row) => [
              <tr key={row.id}>
                <td>{row.name}</td>
                {columns.map(([k]) => (
                  <td key={k} className="num" data-metric={k}>
                    <span className="count">{formatCount(row[k])}</span>
                    {k !== 'sent' && k !== 'impressions' && <span className="rate small muted">{rate(row[k], row.sent || row.impressions)}</span>}
                  </td>
                ))}
                <td className="num" data-metric="revenue">
                  {formatMoney(row.revenue, currency)}
                </td>
                <td className="num" data-metric="revenue-per-recipient">
                  {row.sent || row.impressions ? formatMoney(row.revenue / (row.sent || row.impressions), currency) : ''}
                </td>
              </tr>,
              // An onsite placement's variants, each on its own line under the placement.
              ...row.variants.map((v) => (
                <tr key={`${row.id}\u0000${v.variant}`} className="variant-row">
                  <td className="small">↳ Variant {v.variant}</td>
                  {columns.map(([k]) => (
                    <td key={k} className="num small" data-metric={k}>
                      {k === 'converted' ? '' : formatCount(v[k])}
                      {k !== 'sent' && k !== 'impressions' && k !== 'converted' && <span className="rate small muted"> {rate(v[k], v.sent || v.impressions)}</span>}
                    </td>
                  ))}
                  <td />
                  <td />
                </tr>
              )),
            ])}
          </tbody>
        </table>
      )}
      <p className="muted small">Counts are distinct messages (for onsite placements, distinct shows); converted counts journey goals reached and attributed to the message (holdout excluded), revenue is theirs.</p>
    </section>
  );
}
