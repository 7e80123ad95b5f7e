import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { formatCount } from '../../lib/format';
import { formatMoney, useCurrency } from '../../lib/money';
import { change } from './change';
import './overview.css';

const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const channelNames: Record<string, string> = { email: 'Emails', web_push: 'Web pushes', onsite: 'Onsite shows' };

function Figure({ label, value, current, previous, testId }: { label: string; value: string; current: number; previous: number; testId: string }) {
  const delta = change(current, previous);
  return (
    <div className="stat card" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      <div className={`stat-change ${delta?.direction ?? 'flat'}`} title={`the period before: ${formatCount(previous)}`}>
        {delta ? `${delta.text} vs the period before` : 'nothing yet'}
      </div>
    </div>
  );
}

/** The workspace's home: what visitors did and what the marketing program sent and earned lately. */
export function OverviewPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [days, setDays] = useState(30);
  const overview = useQuery(trpc.overview.get.queryOptions({ workspaceId, days }));
  const o = overview.data;
  const currency = useCurrency(workspaceId);
  return (
    <div className="overview-page">
      <div className="page-header">
        <h1>Overview</h1>
        <label className="overview-period">
          Period
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={7}>last 7 days</option>
            <option value={30}>last 30 days</option>
            <option value={90}>last 90 days</option>
          </select>
        </label>
      </div>
      {overview.isError ? (
        <p className="form-error">Could not load the overview: {overview.error.message}</p>
      ) : !o ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <section aria-label="Audience activity">
            <h2>Visitors</h2>
            <p className="muted small">
              {o.asOf ? `The ${days} days to ${dateOnly.format(new Date(o.asOf))}, the date this workspace's data is seen as of.` : `The last ${days} days.`}
            </p>
            <div className="stats">
              <Figure testId="overview-events" label="Events" value={formatCount(o.activity.current.events)} current={o.activity.current.events} previous={o.activity.previous.events} />
              <Figure testId="overview-senders" label="Visitors and users" value={formatCount(o.activity.current.senders)} current={o.activity.current.senders} previous={o.activity.previous.senders} />
              <Figure testId="overview-identified" label="Newly identified" value={formatCount(o.activity.current.identified)} current={o.activity.current.identified} previous={o.activity.previous.identified} />
              <div className="stat card" data-testid="overview-known">
                <div className="stat-label">Known people</div>
                <div className="stat-value">{formatCount(o.totalIdentified)}</div>
                <div className="stat-change flat">
                  <Link to={workspacePath(workspaceId, 'profiles')}>browse profiles</Link>
                </div>
              </div>
            </div>
          </section>
          <section aria-label="Marketing results">
            <h2>Marketing</h2>
            <p className="muted small">Messages sent and journey goals reached in the last {days} days; revenue is what those conversions brought (holdouts excluded).</p>
            <div className="stats">
              {o.marketing.current.messages.length === 0 && (
                <div className="stat card">
                  <div className="stat-label">Messages</div>
                  <div className="stat-value">0</div>
                  <div className="stat-change flat">
                    <Link to={workspacePath(workspaceId, 'journeys')}>start a journey</Link>
                  </div>
                </div>
              )}
              {o.marketing.current.messages.map((m) => (
                <Figure
                  key={m.channel}
                  testId={`overview-sent-${m.channel}`}
                  label={channelNames[m.channel] ?? m.channel}
                  value={formatCount(m.sent)}
                  current={m.sent}
                  previous={o.marketing.previous.messages.find((p) => p.channel === m.channel)?.sent ?? 0}
                />
              ))}
              <Figure testId="overview-conversions" label="Conversions" value={formatCount(o.marketing.current.conversions)} current={o.marketing.current.conversions} previous={o.marketing.previous.conversions} />
              <Figure testId="overview-revenue" label="Attributed revenue" value={formatMoney(o.marketing.current.revenue, currency)} current={o.marketing.current.revenue} previous={o.marketing.previous.revenue} />
            </div>
          </section>
        </>
      )}
    </div>
  );
}
