import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, createWorkspace, type App } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';
import { getJourneySettings, saveJourneySettings } from '../journeys';

describe('a workspace time zone', () => {
  let app: App;
  let caller: ReturnType<typeof appRouter.createCaller>;
  let workspaceId: string;

  beforeAll(async () => {
    app = await createTestApp();
    workspaceId = (await createWorkspace(app.postgres.db, 'Zoned')).id;
    const user = await createTestUser(app, [workspaceId]);
    const ctx: Context = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
    caller = appRouter.createCaller(ctx);
  }, 60_000);
  afterAll(() => app?.close());

  it('is UTC until set, then listed with the workspace', async () => {
    expect((await caller.workspaces.get({ workspaceId })).timeZone).toBe('UTC');
    await caller.workspaces.setTimeZone({ workspaceId, timeZone: 'America/New_York' });
    expect((await caller.workspaces.list()).find((w) => w.id === workspaceId)?.timeZone).toBe('America/New_York');
  });

  it('refuses a name Intl does not know, naming the field, and keeps the stored zone', async () => {
    await expect(caller.workspaces.setTimeZone({ workspaceId, timeZone: 'Mars/Olympus' })).rejects.toThrow(/timeZone/);
    await expect(caller.workspaces.setTimeZone({ workspaceId, timeZone: ' Europe/Paris' })).rejects.toThrow(/timeZone/);
    expect((await caller.workspaces.get({ workspaceId })).timeZone).toBe('America/New_York');
  });

  it('is the journeys’ fallback zone: one value, whichever page sets it', async () => {
    await caller.workspaces.setTimeZone({ workspaceId, timeZone: 'Asia/Tokyo' });
    expect((await getJourneySettings(app.postgres.db, workspaceId)).defaultTimezone).toBe('Asia/Tokyo');
    // A journey settings save without a zone leaves it alone; one with a zone moves the workspace's.
    await saveJourneySettings(app.postgres.db, workspaceId, { bestHour: 9 });
    expect((await caller.workspaces.get({ workspaceId })).timeZone).toBe('Asia/Tokyo');
    await saveJourneySettings(app.postgres.db, workspaceId, { bestHour: 9, defaultTimezone: 'Europe/Berlin' });
    expect((await caller.workspaces.get({ workspaceId })).timeZone).toBe('Europe/Berlin');
  });
});
