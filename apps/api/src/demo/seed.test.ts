import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '@overture/api/testing';
import { rfmGrid } from '../profiles/rfm';
import { listSegments, segmentSize } from '../segments';
import { demoSegments } from './demo-segments';
import { demoUser, ensureDemo, retirePublicDemoUser, type DemoInfo } from './seed';
import { authenticate, createSession, createUser, findUserByEmail, userOfSession } from '../auth';
import { listJourneys } from '../journeys';
import { listTemplates } from '../templates';
import { latestModel, liveModel, recommend } from '../recommendations';

describe('the demo workspace of the first start', () => {
  let app: TestApp;
  let demo: DemoInfo;
  beforeAll(async () => {
    app = await createTestApp({ postgres: 'pglite' });
    const created = await ensureDemo(app);
    if (!created) throw new Error('the embedded stores get the demo');
    demo = created;
  }, 180_000);
  afterAll(() => app?.close());

  it('is created once, with the sample loaded', async () => {
    expect(demo.created).toBe(true);
    expect(demo.events).toBeGreaterThan(2000);
    expect((await ensureDemo(app))?.created).toBe(false);
  });

  it('has profiles spread over the RFM grid at once, not after the next scheduled refresh', async () => {
    const grid = await rfmGrid(app, demo.workspaceId);
    const profiles = grid.cells.reduce((n, c) => n + c.profiles, 0);
    expect(profiles).toBeGreaterThan(400);
    expect(grid.cells.length).toBeGreaterThan(10);
    expect(new Set(grid.segments.map((s) => s.segment)).size).toBeGreaterThan(4);
  });

  it('shows its customers personal recommendations from day one', async () => {
    expect(await latestModel(app, demo.workspaceId)).not.toBeNull();
    const model = (await liveModel(app, demo.workspaceId))!;
    const customer = [...model.people.entries()].find(([, p]) => p.purchases.filter((n) => n > 0).length >= 3)![0];
    const recs = await recommend(app, demo.workspaceId, { strategy: 'for_you', profileId: customer, limit: 4 });
    expect(recs.fallback).toBeNull();
    expect(recs.items).toHaveLength(4);
  });

  it('has the starter segments with their members computed', async () => {
    const segments = await listSegments(app, demo.workspaceId);
    expect(segments.map((s) => s.name).sort()).toEqual(demoSegments.map((s) => s.name).sort());
    for (const s of segments) expect(await segmentSize(app, demo.workspaceId, s.id), s.name).toBeGreaterThan(0);
  });

  it('has a published win-back journey on the at-risk segment and a draft service journey', async () => {
    const journeys = await listJourneys(app.postgres.db, demo.workspaceId);
    expect(journeys.map((j) => [j.name, j.status]).sort()).toEqual([
      ['Order delayed', 'draft'],
      ['Win back at-risk customers', 'published'],
    ]);
    expect((await listTemplates(app, demo.workspaceId)).map((t) => t.name).sort()).toEqual(['Order delayed', 'Still thinking?', 'We miss you']);
  });
});

describe('a server install (DATABASE_URL set, as start:api requires)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres', env: { OVERTURE_DEMO: 'true' } });
  });
  afterAll(() => app?.close());

  it('gets no demo user, whose password is public, even with OVERTURE_DEMO=true', async () => {
    expect(app.config.demo).toBe(true);
    expect(await ensureDemo(app)).toBeNull();
    expect(await findUserByEmail(app.postgres.db, demoUser.email)).toBeUndefined();
  }, 180_000);

  it('retires a demo user an older version made there, while it still has the public password', async () => {
    const user = await createUser(app.postgres.db, demoUser.email, demoUser.password);
    const session = await createSession(app.postgres.db, user.id);
    expect(await retirePublicDemoUser(app)).toBe(true);
    expect(await authenticate(app.postgres.db, demoUser.email, demoUser.password)).toBeNull();
    expect(await userOfSession(app.postgres.db, session.token)).toBeNull();
    expect(await retirePublicDemoUser(app)).toBe(false);
  }, 180_000);
});
