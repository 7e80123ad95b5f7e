import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, createWorkspace, type App } from '@overture/api/testing';
import { appRouter } from './root';
import type { Context } from './trpc';
import { normalizeEvent } from '../ingest/normalize';

// On the PostgreSQL server only: where the engines differ, src/stores/postgres/conformance.test.ts runs on both.
describe.each(['postgres'] as const)('workspace isolation in the dashboard API (%s)', (postgres) => {
  let app: App;
  let mine: Awaited<ReturnType<typeof createWorkspace>>;
  let theirs: Awaited<ReturnType<typeof createWorkspace>>;
  let ctx: Context;

  beforeAll(async () => {
    app = await createTestApp({ postgres });
    mine = await createWorkspace(app.postgres.db, 'Mine');
    theirs = await createWorkspace(app.postgres.db, 'Theirs');
    const user = await createTestUser(app, [mine.id]);
    ctx = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
    await app.writer.write([
      normalizeEvent({ type: 'track', event: 'Their Secret', userId: 'x' }, { workspaceId: theirs.id, receivedAt: Date.now() }),
      normalizeEvent({ type: 'track', event: 'My Event', userId: 'y' }, { workspaceId: mine.id, receivedAt: Date.now() }),
    ]);
  });
  afterAll(() => app?.close());

  it('lists only the workspaces the user belongs to', async () => {
    const list = await appRouter.createCaller(ctx).workspaces.list();
    expect(list.map((w) => w.id)).toEqual([mine.id]);
  });

  it("reads its own workspace's events", async () => {
    const events = await appRouter.createCaller(ctx).events.latest({ workspaceId: mine.id, limit: 10 });
    expect(events.map((e) => e.event)).toEqual(['My Event']);
  });

  it("cannot read another workspace's events, counts or keys", async () => {
    const caller = appRouter.createCaller(ctx);
    await expect(caller.events.latest({ workspaceId: theirs.id, limit: 10 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.events.totals({ workspaceId: theirs.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.workspaces.get({ workspaceId: theirs.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.install.snippet({ workspaceId: theirs.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses every workspace procedure without a session', async () => {
    const anonymous = appRouter.createCaller({ ...ctx, user: null });
    await expect(anonymous.events.latest({ workspaceId: mine.id, limit: 10 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(anonymous.workspaces.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('signs in with the right password only, and sets an HttpOnly session cookie', async () => {
    const user = await createTestUser(app, [mine.id]);
    const headers: Array<[string, string]> = [];
    const caller = appRouter.createCaller({ ...ctx, user: null, setHeader: (n, v) => headers.push([n, v]) });
    await expect(caller.auth.login({ email: user.email, password: 'wrong password' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await caller.auth.login({ email: user.email, password: user.password });
    expect(headers[0]![0]).toBe('set-cookie');
    expect(headers[0]![1]).toMatch(/^overture_session=[A-Za-z0-9]+; Path=\/; HttpOnly; SameSite=Lax/);
  });

  it('names the field of bad input', async () => {
    await expect(appRouter.createCaller(ctx).events.latest({ workspaceId: mine.id, limit: 5000 })).rejects.toThrow(/limit/);
  });
});
