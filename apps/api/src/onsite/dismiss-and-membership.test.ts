import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import type { App } from '../app-handle';
import { startTestServer, createWorkspace, testClickhouse, type TestServer, type CreatedWorkspace } from '@overture/api/testing';
import { ingest } from '../testing/profiles';
import { createSegment, refreshSegment } from '../segments';
import { savePlacement, type PlacementInput } from './index';
import { decide, type Decision } from './decide';

// A second "process" serving decide: its own app (PostgreSQL pool, Redis connection) on the same
// schema and Redis prefix. Separate OS processes would need a ClickHouse
// server to share; this machine has chDB only (see stores/invalidation.test.ts for a real child process).
let server: TestServer;
let other: App;

beforeAll(async () => {
  server = await startTestServer({ postgres: 'postgres' });
  other = await createApp(server.app.config, { clickhouse: testClickhouse().client, postgresSchema: server.app.postgres.schema!, logger: server.app.log });
}, 120_000);
afterAll(async () => {
  await other?.close();
  await server?.close();
});

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function decideFor(w: CreatedWorkspace, ids: { userId?: string; anonymousId?: string }): Promise<Decision[]> {
  const r = await post('/v1/decide', { writeKey: w.writeKey, ...ids, url: 'https://shop.example/' });
  expect(r.status).toBe(200);
  return r.json.placements as Decision[];
}

const names = (ds: Decision[]) => ds.map((d) => d.html ?? '').sort();
const place = (w: CreatedWorkspace, p: PlacementInput) => savePlacement(server.app, w.id, p);

describe('onsite dismissals', () => {
  it('hides a dismissed placement from the visitor for its dismissDays, in every process', async () => {
    const w = await createWorkspace(server.app.postgres.db, 'dismiss');
    await ingest(server.app, w.id, [{ type: 'page', anonymousId: 'vis-1' }]);
    await place(w, { name: 'Bar', kind: 'top_bar', content: 'Free delivery', rules: { dismissDays: 3 } });
    await place(w, { name: 'Slot', kind: 'inline', target: 'hero', content: 'Always back', rules: { dismissDays: 0 } });

    const first = await decideFor(w, { anonymousId: 'vis-1' });
    expect(names(first)).toEqual(['Always back', 'Free delivery']);
    // The other process has served the visitor before.
    const url = new URL('https://shop.example/');
    expect(names((await decide(other, { workspaceId: w.id, anonymousId: 'vis-1', url })).placements)).toEqual(['Always back', 'Free delivery']);

    const r = await post('/v1/decide/events', { writeKey: w.writeKey, events: first.flatMap((d) => [{ token: d.token, kind: 'impression' }, { token: d.token, kind: 'dismiss' }]) });
    expect(r.status).toBe(200);

    // Written to the shared view before the events call answered: the next page view, whichever process serves it: the bar stays away, the slot (0 days) comes back.
    expect(names(await decideFor(w, { anonymousId: 'vis-1' }))).toEqual(['Always back']);
    expect(names((await decide(other, { workspaceId: w.id, anonymousId: 'vis-1', url })).placements)).toEqual(['Always back']);
    // Another visitor is not affected.
    await ingest(server.app, w.id, [{ type: 'page', anonymousId: 'vis-2' }]);
    expect(names(await decideFor(w, { anonymousId: 'vis-2' }))).toEqual(['Always back', 'Free delivery']);

    // Injected clock: still hidden two days later, shown again once the three days are over.
    const day = 86_400_000;
    expect(names((await decide(server.app, { workspaceId: w.id, anonymousId: 'vis-1', url, now: new Date(Date.now() + 2 * day) })).placements)).toEqual(['Always back']);
    expect(names((await decide(server.app, { workspaceId: w.id, anonymousId: 'vis-1', url, now: new Date(Date.now() + 3 * day + 60_000) })).placements)).toEqual(['Always back', 'Free delivery']);
  });

  it('refuses a bad dismissDays naming the field; 7 days by default', async () => {
    const w = await createWorkspace(server.app.postgres.db, 'dismiss-rules');
    await expect(place(w, { name: 'Bad', kind: 'top_bar', content: 'x', rules: { dismissDays: -1 } })).rejects.toThrow(/^rules\.dismissDays:/);
    await expect(place(w, { name: 'Bad', kind: 'top_bar', content: 'x', rules: { dismissDays: 366 } })).rejects.toThrow(/^rules\.dismissDays:/);
    expect((await place(w, { name: 'Good', kind: 'top_bar', content: 'x' })).rules.dismissDays).toBe(7);
  });
});

describe('segment membership and decide', () => {
  it('shows a segment placement on the page view right after the visitor entered the segment, in every process', async () => {
    const w = await createWorkspace(server.app.postgres.db, 'membership');
    await ingest(server.app, w.id, [{ type: 'identify', userId: 'sam', traits: { plan: 'free' } }]);
    const pro = await createSegment(server.app, w.id, { name: 'Pro', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    await refreshSegment(server.app, pro);
    await place(w, { name: 'Pro offer', kind: 'slide_in', content: 'Your pro offer', rules: { segments: [pro.id] } });
    await place(w, { name: 'Bar', kind: 'top_bar', content: 'Free delivery' });
    const url = new URL('https://shop.example/');

    // Both processes have answered for Sam: not a member.
    expect(names(await decideFor(w, { userId: 'sam' }))).toEqual(['Free delivery']);
    expect(names((await decide(other, { workspaceId: w.id, userId: 'sam', url })).placements)).toEqual(['Free delivery']);

    // Sam upgrades: the real-time path moves them into the segment and writes decide's view.
    await ingest(server.app, w.id, [{ type: 'identify', userId: 'sam', traits: { plan: 'pro' } }]);

    expect(names(await decideFor(w, { userId: 'sam' }))).toEqual(['Free delivery', 'Your pro offer']);
    expect(names((await decide(other, { workspaceId: w.id, userId: 'sam', url })).placements)).toEqual(['Free delivery', 'Your pro offer']);
  });
});
