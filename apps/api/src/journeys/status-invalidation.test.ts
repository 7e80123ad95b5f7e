import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import type { App } from '../app-handle';
import { createTestApp, createTestUser, createWorkspace, testClickhouse, type TestApp } from '../testing';
import { appRouter } from '../trpc/root';
import { topics } from '../stores/invalidation';
import { journeyRuntimeOf } from './services';
import { publishedJourney } from '../testing/journeys';

// A step worker in another process (its own app: PostgreSQL pool, caches, invalidation subscriber,
// on the same schema and Redis prefix) learns at once that a journey was archived.
describe('journey statuses across processes', () => {
  let app: TestApp;
  let worker: App;

  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres' });
    worker = await createApp(app.config, { clickhouse: testClickhouse().client, postgresSchema: app.postgres.schema!, logger: app.log });
  });
  afterAll(async () => {
    if (worker) await journeyRuntimeOf(worker).close();
    await worker?.close();
    await app?.close();
  });

  it('an archive in the dashboard reaches the cached status of another process at once', async () => {
    const ws = await createWorkspace(app.postgres.db, 'status');
    const user = await createTestUser(app, [ws.id]);
    const caller = appRouter.createCaller({ app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const journey = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Go' }, start: 'bye', nodes: [{ id: 'bye', type: 'exit' }] });
    const store = journeyRuntimeOf(worker).store;
    expect(await store.journeyStatus(journey.id)).toBe('published'); // now cached there

    const heard = new Promise<void>((resolve) => {
      const off = worker.invalidation.subscribe(topics.journeyStatus, () => (off(), resolve()));
    });
    await worker.invalidation.ready();
    expect(await caller.journeys.setStatus({ workspaceId: ws.id, journeyId: journey.id, action: 'archive' })).toEqual({ status: 'archived' });
    await heard;
    expect(await store.journeyStatus(journey.id)).toBe('archived');
  });
});
