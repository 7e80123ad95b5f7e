import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, createWorkspace, type App } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';
import { normalizeEvent } from '../ingest/normalize';
import { selectRows } from '../stores/clickhouse/sql';
import { asOfAfterImport } from './as-of';

describe('a workspace as-of: time-relative features of historical data', () => {
  let app: App;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  let caller: ReturnType<typeof appRouter.createCaller>;

  beforeAll(async () => {
    app = await createTestApp();
    ws = await createWorkspace(app.postgres.db, 'Historical');
    const user = await createTestUser(app, [ws.id]);
    const ctx: Context = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
    caller = appRouter.createCaller(ctx);
    const order = (userId: string, at: string) =>
      normalizeEvent({ type: 'track', event: 'Order Completed', userId, messageId: `o-${userId}`, timestamp: at, properties: { revenue: 10 } }, { workspaceId: ws.id, receivedAt: Date.now() });
    await app.writer.write([order('recent', '2011-12-01T10:00:00Z'), order('old', '2011-06-01T10:00:00Z')]);
    await app.writer.drain();
  });
  afterAll(() => app?.close());

  const daysSince = async () => {
    const rows = await selectRows<{ id: string; days: number }>(
      app.clickhouse,
      `SELECT i.distinct_id AS id, f.days_since_last_order AS days FROM profile_features AS f FINAL
       INNER JOIN (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}) AS i ON i.profile_id = f.profile_id
       WHERE f.workspace_id = {ws:String} ORDER BY id`,
      { ws: ws.id },
    );
    return Object.fromEntries(rows.map((r) => [r.id, Number(r.days)]));
  };
  const recentBuyers = () =>
    caller.segments.estimate({ workspaceId: ws.id, definition: { type: 'event', event: 'Order Completed', where: [], count: { op: 'gte', value: 1 }, within: { days: 30 } } });

  it('is set from the settings, recomputes recency and moves segment windows to it', async () => {
    expect((await caller.workspaces.get({ workspaceId: ws.id })).asOf).toBeNull();
    await caller.profiles.recompute({ workspaceId: ws.id });
    expect((await daysSince()).recent).toBeGreaterThan(5000);
    expect((await recentBuyers()).size).toBe(0);

    await caller.workspaces.setAsOf({ workspaceId: ws.id, asOf: '2011-12-10' });
    expect((await caller.workspaces.get({ workspaceId: ws.id })).asOf).toBe('2011-12-10T00:00:00.000Z');
    expect(await daysSince()).toEqual({ old: 192, recent: 9 });
    expect((await recentBuyers()).size).toBe(1);

    await caller.workspaces.setAsOf({ workspaceId: ws.id, asOf: null });
    expect((await daysSince()).recent).toBeGreaterThan(5000);
  });

  it('refuses a day that is not one, or in the future, naming the field', async () => {
    await expect(caller.workspaces.setAsOf({ workspaceId: ws.id, asOf: '2011-02-30' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('asOf') });
    await expect(caller.workspaces.setAsOf({ workspaceId: ws.id, asOf: '2999-01-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('asOf') });
  });

  it('an import of old orders is read as of the day after its last order; recent data as of now', () => {
    const now = new Date('2026-12-04T18:00:00Z');
    expect(asOfAfterImport(new Date('2011-12-09T12:50:00Z'), now)?.toISOString()).toBe('2011-12-10T00:00:00.000Z');
    expect(asOfAfterImport(new Date('2026-11-20T12:00:00Z'), now)).toBeNull();
    expect(asOfAfterImport(null, now)).toBeNull();
  });
});
