import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { createSegment, refreshSegment } from '../segments';
import { refreshFactsView } from './facts-index';
import { viewKeys } from './view-keys';

// A full rewrite writes every profile's copy from one read of the workspace; a change rewrites a few
// profiles' copies from look-ups by id. Both must leave the same bytes in Redis.
describe("rebuilding decide's facts copies", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  async function snapshot(ws: string): Promise<{ facts: Record<string, string | null>; ids: Record<string, string> }> {
    const keys = (await app.redis.keys(viewKeys.facts(app, ws, '*'))).sort();
    const values = keys.length ? await app.redis.mget(...keys) : [];
    return { facts: Object.fromEntries(keys.map((k, i) => [k, values[i]!])), ids: await app.redis.hgetall(viewKeys.ids(app, ws)) };
  }

  it('writes what per-profile refreshes write, keeps profiles an id left that still exist, drops the merged-away', async () => {
    const ws = (await createWorkspace(app.postgres.db, 'facts-rebuild')).id;
    const pro = await createSegment(app, ws, { name: 'Pro', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    await refreshSegment(app, pro);
    await ingest(app, ws, [
      { type: 'identify', userId: 'ann', anonymousId: 'ann-laptop', traits: { plan: 'pro', name: 'Ann', visits: 3, tags: ['b', 'a'], address: { city: 'Oslo' } } },
      { type: 'identify', userId: 'bob', traits: { plan: 'free', zeta: true, alpha: null } },
      { type: 'identify', userId: 'cy' },
      { type: 'page', anonymousId: 'ann-phone' },
      { type: 'page', anonymousId: 'drifter' },
    ]);
    const phoneProfile = await resolveProfileId(app, ws, { anonymousId: 'ann-phone' });
    // Ann logs in on her phone: its profile is merged into hers.
    await ingest(app, ws, [{ type: 'identify', userId: 'ann', anonymousId: 'ann-phone', traits: { plan: 'pro' } }]);
    const people = await Promise.all(['ann', 'bob', 'cy'].map((userId) => resolveProfileId(app, ws, { userId })));
    const everyone = [...people, await resolveProfileId(app, ws, { anonymousId: 'drifter' })];
    expect(new Set(everyone).size).toBe(4);
    expect(everyone).not.toContain(phoneProfile);

    await app.redis.del(...(await app.redis.keys(`${app.config.queuePrefix}:onsite:${ws}:*`)));
    await refreshFactsView(app, ws, { profileIds: [...everyone, phoneProfile] });
    const byProfile = await snapshot(ws);
    expect(Object.keys(byProfile.facts)).toEqual(everyone.map((p) => viewKeys.facts(app, ws, p)).sort());
    expect(JSON.parse(byProfile.facts[viewKeys.facts(app, ws, people[0]!)]!)).toEqual({
      s: [pro.id],
      t: { address: { city: 'Oslo' }, name: 'Ann', plan: 'pro', tags: ['b', 'a'], visits: 3 },
      d: ['ann', 'ann-laptop', 'ann-phone'],
    });

    // What a missed write leaves: a copy of the merged-away profile that one of Ann's ids still names,
    // an id of a later profile naming the first profile in id order, and a lost copy.
    const [first, ...rest] = [...everyone].sort();
    const later = rest.find((p) => p !== people[0])!;
    const laterId = Object.entries(byProfile.ids).find(([, p]) => p === later)![0];
    await app.redis.set(viewKeys.facts(app, ws, phoneProfile), JSON.stringify({ s: [], t: {}, d: ['ann-phone'] }));
    await app.redis.hset(viewKeys.ids(app, ws), { 'ann-phone': phoneProfile, [laterId]: first! });
    await app.redis.del(viewKeys.facts(app, ws, people[1]!));

    // A page per profile: the profile named by the later id was written pages before it is named.
    await refreshFactsView(app, ws, { workspace: true }, { pageSize: 1 });
    expect(await snapshot(ws)).toEqual(byProfile);

    await app.redis.del(...(await app.redis.keys(`${app.config.queuePrefix}:onsite:${ws}:*`)));
    await refreshFactsView(app, ws, { workspace: true });
    expect(await snapshot(ws)).toEqual(byProfile);

    // Many changed profiles are rewritten from a pass too: only they are, the same bytes, the gone one dropped.
    const changed = [people[0]!, people[2]!, phoneProfile];
    await app.redis.del(...(await app.redis.keys(`${app.config.queuePrefix}:onsite:${ws}:*`)));
    await app.redis.set(viewKeys.facts(app, ws, phoneProfile), JSON.stringify({ s: [], t: {}, d: ['ann-phone'] }));
    await refreshFactsView(app, ws, { profileIds: changed });
    const looked = await snapshot(ws);
    expect(Object.keys(looked.facts)).toEqual([people[0]!, people[2]!].map((p) => viewKeys.facts(app, ws, p)).sort());
    await app.redis.del(...(await app.redis.keys(`${app.config.queuePrefix}:onsite:${ws}:*`)));
    await app.redis.set(viewKeys.facts(app, ws, phoneProfile), JSON.stringify({ s: [], t: {}, d: ['ann-phone'] }));
    await refreshFactsView(app, ws, { profileIds: changed }, { pageSize: 1, passFrom: 1 });
    expect(await snapshot(ws)).toEqual(looked);
  });

  it("takes a full pass's window by id while the copies are complete, and rewrites every copy once they are not", async () => {
    const ws = (await createWorkspace(app.postgres.db, 'facts-complete')).id;
    await ingest(app, ws, [{ type: 'identify', userId: 'ann', traits: { plan: 'pro' } }, { type: 'identify', userId: 'bob', traits: { plan: 'free' } }]);
    const [ann, bob] = await Promise.all(['ann', 'bob'].map((userId) => resolveProfileId(app, ws, { userId })));
    await refreshFactsView(app, ws, { workspace: true });
    const complete = await snapshot(ws);
    expect(await app.redis.ttl(viewKeys.complete(app, ws))).toBeGreaterThan(86_400);
    const stale = JSON.stringify({ s: [], t: {}, d: [] });
    const spoil = () => app.redis.mset(viewKeys.facts(app, ws, ann!), stale, viewKeys.facts(app, ws, bob!), stale);

    // Complete: only the window's profile is rewritten (the other keeps what a missed write left).
    await spoil();
    await refreshFactsView(app, ws, { recomputed: [ann!] });
    expect(await app.redis.mget(viewKeys.facts(app, ws, ann!), viewKeys.facts(app, ws, bob!))).toEqual([complete.facts[viewKeys.facts(app, ws, ann!)], stale]);

    // Not known to be complete (expired, or Redis lost it), or any profile may have changed: every copy.
    await app.redis.del(viewKeys.complete(app, ws));
    await refreshFactsView(app, ws, { recomputed: [ann!] });
    expect(await snapshot(ws)).toEqual(complete);
    expect(await app.redis.exists(viewKeys.complete(app, ws))).toBe(1);
    await spoil();
    await refreshFactsView(app, ws, { recomputed: null });
    expect(await snapshot(ws)).toEqual(complete);
  });
});
