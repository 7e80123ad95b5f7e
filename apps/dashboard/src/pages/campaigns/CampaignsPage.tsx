import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { When } from '../../components/When';
import { formatCount, useNow } from '../../lib/format';
import { formatMoney, useCurrency } from '../../lib/money';
import { CampaignForm } from './CampaignForm';
import { byDay } from './calendar';
import '../segments/common.css';
import './campaigns.css';

const dayTitle = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const channelLabel: Record<string, string> = { email: 'Email', web_push: 'Web push', onsite: 'Onsite', best: 'Best channel' };

/** One-off sends to an audience, with a calendar of what is scheduled and what went out. */
export function CampaignsPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [creating, setCreating] = useState(false);
  const campaigns = useQuery(trpc.campaigns.list.queryOptions({ workspaceId }, { refetchInterval: 30_000 }));
  const segments = useQuery(trpc.segments.list.queryOptions({ workspaceId }));
  const currency = useCurrency(workspaceId);
  // Re-renders each minute so a campaign moves to Sent on time; the split reads the clock at render,
  // so one sent a moment ago counts as sent at once.
  useNow(60_000);
  const segmentName = (id: string) => segments.data?.find((s) => s.id === id)?.name ?? id;
  const days = byDay(campaigns.data ?? [], Date.now());

  const section = (title: string, list: typeof days.upcoming, testId: string) => (
    <section className="card" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {list.length === 0 ? (
        <p className="muted">Nothing here.</p>
      ) : (
        list.map(([day, items]) => (
          <div key={day} className="campaign-day">
            <h3>{dayTitle.format(new Date(`${day}T12:00:00`))}</h3>
            <table className="data-table campaigns-table">
              <tbody>
                {items.map((c) => (
                  <tr key={c.id}>
                    <td className="campaign-time">
                      <When iso={c.at} />
                    </td>
                    <td>
                      <Link to={workspacePath(workspaceId, 'journeys', c.id)}>{c.name}</Link>
                      <div className="muted small">
                        {c.channel ? `${channelLabel[c.channel] ?? c.channel} · ${c.template}` : 'A journey of several steps'} to {segmentName(c.segmentId)}
                        {c.bestTime ? ' · at each person’s best hour' : ''}
                      </div>
                    </td>
                    <td>
                      <span className={`status-badge ${c.status}`}>{c.status}</span>
                    </td>
                    <td className="num">{formatCount(c.entered)} reached</td>
                    <td className="num">{formatCount(c.conversions)} conversions</td>
                    <td className="num">{formatMoney(c.revenue, currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))
      )}
    </section>
  );

  return (
    <div className="campaigns-page">
      <div className="page-header">
        <h1>Campaigns</h1>
        {!creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New campaign
          </button>
        )}
      </div>
      <p className="muted">A campaign sends one message to a segment once, now or at a time; it runs on the journey engine, so consent, frequency caps and quiet hours apply.</p>
      {creating && <CampaignForm workspaceId={workspaceId} onCreated={() => setCreating(false)} />}
      {campaigns.isError && <p className="form-error">Could not load campaigns: {campaigns.error.message}</p>}
      {campaigns.data && (
        <>
          {section('Scheduled', days.upcoming, 'campaigns-upcoming')}
          {section('Sent', days.past, 'campaigns-sent')}
        </>
      )}
    </div>
  );
}
