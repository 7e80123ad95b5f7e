import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '../testing';
import { insertRows } from '../stores/clickhouse/sql';
import { setAsOf } from '../workspaces';
import { workspaceOverview } from './overview';

const day = 86_400_000;
const now = new Date('2026-06-30T12:00:00Z');
const ago = (days: number, from = now) => new Date(from.getTime() - days * day).toISOString().replace('T', ' ').replace('Z', '');

describe('workspace overview', () => {
  let app: TestApp;
  let ws: string;
  let other: string;
  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'overview')).id;
    other = (await createWorkspace(app.postgres.db, 'overview-other')).id;
    const event = (workspace_id: string, id: string, distinct_id: string, days: number, is_bot = 0) => ({ workspace_id, message_id: id, type: 'track', event: 'Viewed', distinct_id, timestamp: ago(days), received_at: ago(days), is_bot });
    await insertRows(app.clickhouse, 'events', [
      event(ws, 'e1', 'u1', 1),
      event(ws, 'e2', 'u1', 2),
      event(ws, 'e3', 'a9', 29),
      event(ws, 'e4', 'crawler', 3, 1),
      event(ws, 'e5', 'u2', 31),
      event(ws, 'e6', 'u2', 59),
      event(ws, 'e7', 'u3', 61),
      event(other, 'e8', 'u1', 1),
    ]);
    const link = (distinct_id: string, profile_id: string, kind: string, days: number, workspace_id = ws) => ({ workspace_id, distinct_id, profile_id, kind, version: 1, linked_at: ago(days) });
    await insertRows(app.clickhouse, 'identities', [link('u1', 'pA', 'user', 5), link('u2', 'pB', 'user', 40), link('a9', 'pC', 'anonymous', 3), link('u7', 'pD', 'user', 2, other)]);
    const message = (message_id: string, channel: string, kind: string, days: number, workspace_id = ws) => ({ workspace_id, message_id, profile_id: 'pA', journey_id: 'j', node_id: 'n', channel, kind, at: ago(days) });
    await insertRows(app.clickhouse, 'message_events', [
      message('m1', 'email', 'sent', 5),
      message('m1', 'email', 'click', 4),
      message('m2', 'email', 'sent', 6),
      message('m3', 'web_push', 'sent', 7),
      message('m4', 'onsite', 'impression', 1),
      message('m5', 'email', 'sent', 45),
      message('m6', 'email', 'sent', 1, other),
    ]);
    const goal = (reason: string, revenue: number, days: number, workspace_id = ws) => ({ workspace_id, journey_id: 'j', version: 1, node_id: 'n', run_id: `r${days}${reason}`, profile_id: 'pA', kind: 'converted', reason, channel: '', revenue, at: ago(days) });
    await insertRows(app.clickhouse, 'journey_events', [goal('journey', 20.5, 3), goal('journey', 4, 10), goal('holdout', 50, 3), goal('journey', 7, 35), goal('journey', 99, 2, other)]);
  });
  afterAll(() => app?.close());

  it('counts this period against the one before: events without bots, people identified, messages by channel, attributed conversions', async () => {
    const o = await workspaceOverview(app, ws, 30, now);
    expect(o.asOf).toBeNull();
    expect(o.totalIdentified).toBe(2);
    expect(o.activity.current).toMatchObject({ events: 3, senders: 2, identified: 1 });
    expect(o.activity.previous).toMatchObject({ events: 2, senders: 1, identified: 1 });
    expect(o.marketing.current.messages).toEqual([
      { channel: 'email', sent: 2, clicked: 1 },
      { channel: 'onsite', sent: 1, clicked: 0 },
      { channel: 'web_push', sent: 1, clicked: 0 },
    ]);
    expect(o.marketing.current).toMatchObject({ conversions: 2, revenue: 24.5 });
    expect(o.marketing.previous).toMatchObject({ conversions: 1, revenue: 7, messages: [{ channel: 'email', sent: 1, clicked: 0 }] });
  });

  it('reads historical data as of its own date, and what the program did up to now', async () => {
    await setAsOf(app.postgres.db, ws, new Date(now.getTime() - 30 * day));
    const o = await workspaceOverview(app, ws, 30, now);
    expect(o.asOf).toBe(new Date(now.getTime() - 30 * day).toISOString());
    expect(o.activity.current).toMatchObject({ events: 2, senders: 1 });
    expect(o.activity.current.to).toBe(o.asOf);
    expect(o.marketing.current).toMatchObject({ conversions: 2, revenue: 24.5 });
  });
});
