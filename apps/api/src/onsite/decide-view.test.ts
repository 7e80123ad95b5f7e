import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app-handle';
import { startTestServer, createWorkspace, type TestServer } from '@overture/api/testing';
import { ingest } from '../testing/profiles';
import { profileIdFor, resolveProfileId } from '../profiles';
import { createSegment, recomputeWorkspace, refreshSegment } from '../segments';
import { erasePerson } from '../erasers';
import { recordOnsiteEvents, savePlacement } from './index';
import { decide, type DecideResult } from './decide';
import { viewKeys } from './view-keys';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ postgres: 'postgres' });
}, 120_000);
afterAll(() => server?.close());

const url = new URL('https://shop.example/');

/** Decide with the analytical store and PostgreSQL out of reach: any use of either throws. */
async function blindDecide(app: App, req: { workspaceId: string; userId?: string; anonymousId?: string }): Promise<DecideResult> {
  const unavailable = (name: string) =>
    new Proxy({}, {
      get: (_t, prop) => {
        throw new Error(`decide used ${name} (${String(prop)}) on the request path`);
      },
    });
  const saved = { clickhouse: app.clickhouse, postgres: app.postgres };
  Object.assign(app, { clickhouse: unavailable('ClickHouse'), postgres: unavailable('PostgreSQL') });
  try {
    return await decide(app, { ...req, url, budgetMs: 10_000 });
  } finally {
    Object.assign(app, saved);
  }
}

const htmlOf = (r: DecideResult) => r.placements.map((d) => d.html).sort();

describe("decide's view", () => {
  it('answers from Redis alone after an event, an identify, a segment change and an impression; a recompute rebuilds it, erasure removes it', async () => {
    const { app } = server;
    const w = await createWorkspace(app.postgres.db, 'decide-view');
    const pro = await createSegment(app, w.id, { name: 'Pro', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    await refreshSegment(app, pro);
    await savePlacement(app, w.id, { name: 'Pro offer', kind: 'slide_in', content: 'Hi {{ profile.traits.first_name }}', rules: { segments: [pro.id] } });
    await savePlacement(app, w.id, { name: 'Bar', kind: 'top_bar', content: 'Free delivery', rules: { frequency: { max: 1, days: 1 } } });
    // Placements are cached per process once read: the first answer may read PostgreSQL.
    await decide(app, { workspaceId: w.id, anonymousId: 'warm-up', url });

    // Never seen: the anonymous visitor's facts, the profile id the id will get.
    const stranger = await blindDecide(app, { workspaceId: w.id, anonymousId: 'nobody-yet' });
    expect(stranger).toMatchObject({ profileId: profileIdFor(w.id, 'nobody-yet') });
    expect(stranger.partial).toBeUndefined();
    expect(htmlOf(stranger)).toEqual(['Free delivery']);

    // An event links the anonymous id.
    await ingest(app, w.id, [{ type: 'page', anonymousId: 'vic-anon' }]);
    const anonProfile = await resolveProfileId(app, w.id, { anonymousId: 'vic-anon' });
    expect((await blindDecide(app, { workspaceId: w.id, anonymousId: 'vic-anon' })).profileId).toBe(anonProfile);

    // Identify: the user id joins, with traits; either id finds the same profile.
    await ingest(app, w.id, [{ type: 'identify', userId: 'vic', anonymousId: 'vic-anon', traits: { first_name: 'Vic', plan: 'free' } }]);
    const vic = await resolveProfileId(app, w.id, { userId: 'vic' });
    expect((await blindDecide(app, { workspaceId: w.id, userId: 'vic' })).profileId).toBe(vic);
    expect((await blindDecide(app, { workspaceId: w.id, anonymousId: 'vic-anon' })).profileId).toBe(vic);
    expect(htmlOf(await blindDecide(app, { workspaceId: w.id, userId: 'vic' }))).toEqual(['Free delivery']);

    // Entering the segment in real time shows its placement, rendered with the traits of the view.
    await ingest(app, w.id, [{ type: 'identify', userId: 'vic', traits: { plan: 'pro' } }]);
    const member = await blindDecide(app, { workspaceId: w.id, userId: 'vic' });
    expect(htmlOf(member)).toEqual(['Free delivery', 'Hi Vic']);

    // An impression of the capped bar: the next page view leaves it out.
    const bar = member.placements.find((d) => d.kind === 'top_bar')!;
    await recordOnsiteEvents(app, w.id, [{ token: bar.token, kind: 'impression' }]);
    expect(htmlOf(await blindDecide(app, { workspaceId: w.id, anonymousId: 'vic-anon' }))).toEqual(['Hi Vic']);

    // Lost from Redis (or written before the view existed): the scheduled recompute rebuilds it from the stores of record.
    await app.redis.del(...(await app.redis.keys(`${app.config.queuePrefix}:onsite:${w.id}:*`)));
    expect(htmlOf(await blindDecide(app, { workspaceId: w.id, anonymousId: 'vic-anon' }))).toEqual(['Free delivery']);
    await recomputeWorkspace(app, w.id);
    expect(htmlOf(await blindDecide(app, { workspaceId: w.id, anonymousId: 'vic-anon' }))).toEqual(['Hi Vic']);

    // Erased: no key of the view names the profile, no id of it is left in the ids hash.
    await erasePerson(app, w.id, vic, 'test');
    const keys = await app.redis.keys(`${app.config.queuePrefix}:onsite:${w.id}:*`);
    expect(keys.filter((k) => k.endsWith(vic))).toEqual([]);
    expect(await app.redis.hmget(viewKeys.ids(app, w.id), 'vic', 'vic-anon')).toEqual([null, null]);
    const after = await blindDecide(app, { workspaceId: w.id, userId: 'vic' });
    expect(after.profileId).toBe(profileIdFor(w.id, 'vic'));
    expect(htmlOf(after)).toEqual(['Free delivery']);
  });

  it("keeps each workspace's view apart", async () => {
    const { app } = server;
    const a = await createWorkspace(app.postgres.db, 'view-a');
    const b = await createWorkspace(app.postgres.db, 'view-b');
    await ingest(app, a.id, [{ type: 'identify', userId: 'same-id', traits: { plan: 'pro' } }]);
    await savePlacement(app, b.id, { name: 'Bar', kind: 'top_bar', content: 'B' });
    await decide(app, { workspaceId: b.id, anonymousId: 'warm-up', url });
    expect(await app.redis.hget(viewKeys.ids(app, a.id), 'same-id')).toBe(await resolveProfileId(app, a.id, { userId: 'same-id' }));
    // The same user id in another workspace is nobody there.
    expect((await blindDecide(app, { workspaceId: b.id, userId: 'same-id' })).profileId).toBe(profileIdFor(b.id, 'same-id'));
    expect(viewKeys.ids(app, a.id)).toMatch(new RegExp(`^${app.config.queuePrefix}:onsite:${a.id}:`));
  });
});
