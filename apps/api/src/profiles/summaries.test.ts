import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { getProfile, profileSummaries, resolveProfileId } from './index';
import { daysAgo, ingest } from '../testing/profiles';

// Journeys read many profiles' summaries at once; each must be what the profile page shows of it.
describe('profile summaries on real stores', () => {
  let app: TestApp;
  let ws: string;
  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'summaries')).id;
  });
  afterAll(() => app?.close());

  it('give many profiles in one call the traits, email, time zone, features and RFM their profiles show; gone ones are absent', async () => {
    await ingest(app, ws, [
      { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', timezone: 'Europe/Paris', plan: 'pro', tags: ['a', 'b'] } },
      { type: 'track', event: 'Order Completed', userId: 'ada', timestamp: daysAgo(3), properties: { revenue: 40 } },
      { type: 'page', anonymousId: 'anon-bob', name: 'Home', properties: { path: '/' } },
      { type: 'page', anonymousId: 'anon-merged', name: 'Shoes', properties: { path: '/shoes' } },
    ]);
    const [ada, bob, merged] = await Promise.all(['ada', 'anon-bob', 'anon-merged'].map((id) => resolveProfileId(app, ws, id.startsWith('anon') ? { anonymousId: id } : { userId: id })));
    // The anonymous browser logs in as Ada: that profile is merged away.
    await ingest(app, ws, [{ type: 'track', event: 'Signed In', userId: 'ada', anonymousId: 'anon-merged' }]);

    const summaries = await profileSummaries(app, ws, [ada!, bob!, merged!, 'p_never_seen']);
    expect([...summaries.keys()].sort()).toEqual([ada, bob].sort());
    for (const id of [ada!, bob!]) {
      const full = (await getProfile(app, ws, id))!;
      expect(summaries.get(id)).toEqual({ id, traits: full.traits, email: full.email, timezone: full.timezone, features: full.features, rfm: full.rfm });
    }
    const a = summaries.get(ada!)!;
    expect(a).toMatchObject({ email: 'ada@example.com', timezone: 'Europe/Paris', traits: { plan: 'pro', tags: ['a', 'b'] } });
    expect(a.features?.orders).toBe(1);
    expect(a.rfm?.segment).toEqual(expect.any(String));
    expect(summaries.get(bob!)).toMatchObject({ email: null, traits: {}, rfm: null });
  });
});
