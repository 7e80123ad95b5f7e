import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { createHttpServer, listen } from '../http/server';
import { extraRoutes } from '../http/routes';
import { getProfile, resolveProfileId, timeline } from './index';
import { daysAgo, ingest } from '../testing/profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { identitiesOf } from './identity';
import { recordOutcomes } from '../channels/outcomes';

// On the PostgreSQL server only: where the engines differ, src/stores/postgres/conformance.test.ts runs on both.
describe.each(['postgres'] as const)('profiles and identity resolution, with %s', (postgres) => {
  let app: TestApp;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  beforeAll(async () => {
    app = await createTestApp({ postgres });
    ws = await createWorkspace(app.postgres.db, 'profiles');
  });
  afterAll(() => app?.close());

  it('gives anonymous history to the known profile after login (anonymous → known)', async () => {
    await ingest(app, ws.id, [
      { type: 'page', anonymousId: 'anon-1', name: 'Home', properties: { path: '/' }, timestamp: daysAgo(2) },
      { type: 'page', anonymousId: 'anon-1', name: 'Shoes', properties: { path: '/shoes', category: 'shoes' }, timestamp: daysAgo(2) },
    ]);
    const before = await resolveProfileId(app, ws.id, { anonymousId: 'anon-1' });
    await ingest(app, ws.id, [{ type: 'identify', userId: 'user-1', anonymousId: 'anon-1', traits: { email: 'ada@example.com', timezone: 'Europe/Paris' } }]);
    const p = (await getProfile(app, ws.id, 'user-1'))!;
    expect(p.id).toBe(before);
    expect(p.userIds).toEqual(['user-1']);
    expect(p.anonymousIds).toEqual(['anon-1']);
    expect(p.email).toBe('ada@example.com');
    expect(p.timezone).toBe('Europe/Paris');
    expect(p.features?.page_views).toBe(2);
    expect(p.pages.categories).toEqual([{ category: 'shoes', views: 1 }]);
    expect(p.pages.top.map((x) => x.path).sort()).toEqual(['/', '/shoes']);
  });

  it('merges an anonymous profile into an existing known profile, recorded in the timeline', async () => {
    await ingest(app, ws.id, [{ type: 'identify', userId: 'user-2', traits: { email: 'bob@example.com', plan: 'pro' } }]);
    await ingest(app, ws.id, [{ type: 'page', anonymousId: 'anon-2', name: 'Pricing', properties: { path: '/pricing' }, traits: {} }]);
    await ingest(app, ws.id, [{ type: 'identify', anonymousId: 'anon-2', traits: { nickname: 'bobby' } }]);
    const known = await resolveProfileId(app, ws.id, { userId: 'user-2' });
    const anon = await resolveProfileId(app, ws.id, { anonymousId: 'anon-2' });
    expect(anon).not.toBe(known);

    await recordOutcomes(app, [{ workspaceId: ws.id, messageId: 'msg-before-merge', profileId: anon, channel: 'web_push', kind: 'sent' }]);
    await ingest(app, ws.id, [{ type: 'track', event: 'Signed In', userId: 'user-2', anonymousId: 'anon-2' }]);
    expect(await resolveProfileId(app, ws.id, { anonymousId: 'anon-2' })).toBe(known);
    const p = (await getProfile(app, ws.id, 'anon-2'))!;
    expect(p.id).toBe(known);
    expect(p.traits).toMatchObject({ email: 'bob@example.com', plan: 'pro', nickname: 'bobby' });
    expect(p.features?.page_views).toBe(1);
    expect(p.merges).toEqual([expect.objectContaining({ from: anon, reason: 'identify', ids: ['anon-2'] })]);
    const page = await timeline(app, ws.id, known, { limit: 50 });
    expect(page.items.some((i) => i.kind === 'merge' && i.properties.from_profile_id === anon)).toBe(true);
    expect(page.items.filter((i) => i.kind === 'event').map((i) => i.event)).toEqual(expect.arrayContaining(['Pricing', 'Signed In']));
    // A message sent to the anonymous profile before the merge is part of the person's history.
    expect(page.items.filter((i) => i.kind === 'message').map((i) => i.properties.message_id)).toEqual(['msg-before-merge']);
    // The merged-away profile no longer resolves on its own.
    expect(await getProfile(app, ws.id, anon)).toBeNull();
    // Its old link is still stored beside the newer one: lookups by profile see only the newest version.
    expect(await identitiesOf(app, ws.id, [anon])).toEqual([]);
    expect((await identitiesOf(app, ws.id, [known, anon])).map((i) => [i.distinct_id, i.profile_id]).sort()).toEqual([['anon-2', known], ['user-2', known]]);
    // Nothing counts it as a person any more: its features and memberships are gone.
    for (const table of ['profile_features', 'segment_members']) {
      const [row] = await selectRows<{ n: string }>(app.clickhouse, `SELECT count() AS n FROM ${table} WHERE workspace_id = {ws:String} AND profile_id = {p:String}`, { ws: ws.id, p: anon });
      expect(`${table}: ${row!.n}`).toBe(`${table}: 0`);
    }
  });

  it('merges two known profiles on alias, keeping both histories', async () => {
    await ingest(app, ws.id, [
      { type: 'identify', userId: 'old-id', traits: { email: 'carol@old.example', city: 'Lyon' }, timestamp: daysAgo(10) },
      { type: 'track', event: 'Order Completed', userId: 'old-id', properties: { revenue: 40 }, timestamp: daysAgo(9) },
      { type: 'identify', userId: 'new-id', traits: { email: 'carol@new.example' }, timestamp: daysAgo(1) },
      { type: 'track', event: 'Order Completed', userId: 'new-id', properties: { revenue: 60 }, timestamp: daysAgo(1) },
    ]);
    const oldP = await resolveProfileId(app, ws.id, { userId: 'old-id' });
    const newP = await resolveProfileId(app, ws.id, { userId: 'new-id' });
    expect(oldP).not.toBe(newP);
    await ingest(app, ws.id, [{ type: 'alias', previousId: 'old-id', userId: 'new-id' }]);
    const p = (await getProfile(app, ws.id, 'old-id'))!;
    expect(p.id).toBe(newP);
    expect(p.userIds.sort()).toEqual(['new-id', 'old-id']);
    expect(p.traits).toMatchObject({ email: 'carol@new.example', city: 'Lyon' });
    expect(p.features?.orders).toBe(2);
    expect(p.features?.revenue).toBe(100);
    expect(p.merges.map((m) => [m.from, m.reason])).toEqual([[oldP, 'alias']]);
  });

  it('does not merge a shared device into a second user', async () => {
    await ingest(app, ws.id, [{ type: 'identify', userId: 'dana', anonymousId: 'device-1' }]);
    await ingest(app, ws.id, [{ type: 'identify', userId: 'erin' }]);
    await ingest(app, ws.id, [{ type: 'track', event: 'Viewed', userId: 'erin', anonymousId: 'device-1' }]);
    expect(await resolveProfileId(app, ws.id, { userId: 'dana' })).not.toBe(await resolveProfileId(app, ws.id, { userId: 'erin' }));
  });

  it('serves, exports and erases a profile over HTTP with a secret key', async () => {
    await ingest(app, ws.id, [
      { type: 'identify', userId: 'gdpr-1', anonymousId: 'gdpr-anon', traits: { email: 'erase@example.com' } },
      { type: 'page', anonymousId: 'gdpr-anon', name: 'Home', properties: { path: '/' } },
      { type: 'track', event: 'Order Completed', userId: 'gdpr-1', properties: { revenue: 12 } },
    ]);
    const server = createHttpServer(app, extraRoutes);
    const port = await listen(server, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${port}/v1/profiles/`;
    const auth = { authorization: `Bearer ${ws.secretKey}` };
    try {
      expect((await fetch(`${base}gdpr-1`)).status).toBe(401);
      expect((await fetch(`${base}gdpr-1`, { headers: { authorization: `Bearer ${ws.writeKey}` } })).status).toBe(403);
      const got = (await (await fetch(`${base}gdpr-anon`, { headers: auth })).json()) as { profile: { id: string; traits: unknown; features: { orders: number } } };
      expect(got.profile.traits).toEqual({ email: 'erase@example.com' });
      expect(got.profile.features.orders).toBe(1);
      const byProfileId = await fetch(`${base}${got.profile.id}`, { headers: auth });
      expect(byProfileId.status).toBe(200);
      const exported = (await (await fetch(`${base}gdpr-1/export`, { headers: auth })).json()) as { events: unknown[] };
      expect(exported.events).toHaveLength(3);

      const del = await fetch(`${base}gdpr-1`, { method: 'DELETE', headers: auth });
      expect(del.status).toBe(200);
      expect(await del.json()).toMatchObject({ erased: true, events: 3, distinctIds: 2 });
      expect((await fetch(`${base}gdpr-1`, { headers: auth })).status).toBe(404);
      const left = async (table: string, where: string) =>
        Number((await selectRows<{ n: string }>(app.clickhouse, `SELECT count() AS n FROM ${table} WHERE workspace_id = {ws:String} AND ${where}`, { ws: ws.id, p: got.profile.id }))[0]!.n);
      expect(await left('events', `distinct_id IN ('gdpr-1', 'gdpr-anon') OR anonymous_id = 'gdpr-anon'`)).toBe(0);
      expect(await left('identities', `profile_id = {p:String}`)).toBe(0);
      expect(await left('profile_traits', `profile_id = {p:String}`)).toBe(0);
      expect(await left('profile_features', `profile_id = {p:String}`)).toBe(0);
      const audit = await app.postgres.db.selectFrom('audit_log').select(['action', 'subject']).where('workspace_id', '=', ws.id).execute();
      expect(audit).toEqual([{ action: 'profile.erased', subject: got.profile.id }]);
      // Other people are untouched.
      expect(await getProfile(app, ws.id, 'user-1')).not.toBeNull();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
