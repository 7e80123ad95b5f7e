import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, createWorkspace, createTestUser, type TestServer, type CreatedWorkspace } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { erasePerson } from '../erasers';
import { createSegment, refreshSegment } from '../segments';
import { saveTemplate } from '../templates';
import { selectRows } from '../stores/clickhouse/sql';
import { OnsiteChannel, queueOnsiteMessage, savePlacement, type PlacementInput } from './index';
import { decide, type Decision } from './decide';

let server: TestServer;
let ws: CreatedWorkspace;

beforeAll(async () => {
  server = await startTestServer({ postgres: 'postgres' });
  ws = server.workspace;
  await ingest(server.app, ws.id, [
    { type: 'identify', userId: 'ada', anonymousId: 'anon-ada', traits: { first_name: 'Ada', plan: 'pro' } },
  ]);
}, 120_000);
afterAll(() => server?.close());

async function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'text/plain;charset=UTF-8' }): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(server.url + path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function decideFor(ids: { userId?: string; anonymousId?: string }, url: string, workspace = ws): Promise<Decision[]> {
  const r = await post('/v1/decide', { writeKey: workspace.writeKey, ...ids, url });
  expect(r.status).toBe(200);
  return r.json.placements as Decision[];
}

const event = (token: string, kind: string, workspace = ws) => post('/v1/decide/events', { writeKey: workspace.writeKey, events: [{ token, kind }] });

async function place(workspace: CreatedWorkspace, p: PlacementInput) {
  return savePlacement(server.app, workspace.id, p);
}

describe('POST /v1/decide', () => {
  it('refuses bad input naming the field, and unknown keys', async () => {
    expect(await post('/v1/decide', { writeKey: 'wk_nope', anonymousId: 'a', url: 'https://shop.example/' })).toMatchObject({ status: 401 });
    expect(await post('/v1/decide', { anonymousId: 'a', url: 'https://shop.example/' })).toMatchObject({ status: 401 });
    const noUrl = await post('/v1/decide', { writeKey: ws.writeKey, anonymousId: 'a' });
    expect(noUrl.status).toBe(400);
    expect(noUrl.json.error).toMatch(/^url:/);
    const badUrl = await post('/v1/decide', { writeKey: ws.writeKey, anonymousId: 'a', url: 'javascript:alert(1)' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.json.error).toMatch(/^url:/);
    const noId = await post('/v1/decide', { writeKey: ws.writeKey, url: 'https://shop.example/' });
    expect(noId.json.error).toMatch(/^anonymousId:/);
    expect((await post('/v1/decide', '{not json')).status).toBe(400);
    const badKind = await post('/v1/decide/events', { writeKey: ws.writeKey, events: [{ token: 'x', kind: 'view' }] });
    expect(badKind.status).toBe(400);
    expect(badKind.json.error).toMatch(/^events\[0\]\.kind:/);
    const forged = await post('/v1/decide/events', { writeKey: ws.writeKey, events: [{ token: 'abc.def', kind: 'click' }] });
    expect(forged.status).toBe(400);
    expect(forged.json.error).toMatch(/^events\[0\]\.token:/);
    // Basic auth works as for ingestion; so does a CORS preflight.
    const basic = await post('/v1/decide', { anonymousId: 'a', url: 'https://shop.example/' }, { authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' });
    expect(basic.status).toBe(200);
    const pre = await fetch(server.url + '/v1/decide', { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });

  it('matches pages by prefix and glob, segments, and renders liquid sanitised', async () => {
    const w = await createWorkspace(server.app.postgres.db, 'onsite-rules');
    await ingest(server.app, w.id, [{ type: 'identify', userId: 'ada', traits: { first_name: 'Ada', plan: 'pro' } }, { type: 'identify', userId: 'eve', traits: { first_name: '<script>x()</script>Eve', plan: 'free' } }]);
    const pro = await createSegment(server.app, w.id, { name: 'Pro', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    await refreshSegment(server.app, pro);
    await place(w, { name: 'Products', kind: 'slide_in', content: '<p>Hi {{ profile.traits.first_name }}</p><script>bad()</script><img src="x.png" onerror="bad()"><a href="javascript:bad()">x</a><a href="https://shop.example/sale">sale</a>', rules: { urls: ['/products/*'] } });
    await place(w, { name: 'Sale bar', kind: 'top_bar', content: '<b>Sale</b>', rules: { urls: ['shop.example/sale'] } });
    await place(w, { name: 'Pro slot', kind: 'inline', target: 'hero', content: 'For pros', rules: { segments: [pro.id] } });
    await place(w, { name: 'Pro CTA', kind: 'cta', target: '#buy', content: 'Upgrade, {{ traits.first_name }}', href: 'https://shop.example/pro', rules: { segments: [pro.id], scrollPercent: 50, exitIntent: true } });

    const ada = await decideFor({ userId: 'ada' }, 'https://shop.example/products/mug?ref=x', w);
    expect(ada.map((d) => d.kind).sort()).toEqual(['cta', 'inline', 'slide_in']);
    const slide = ada.find((d) => d.kind === 'slide_in')!;
    expect(slide.html).toContain('<p>Hi Ada</p>');
    expect(slide.html).toContain('href="https://shop.example/sale"');
    expect(slide.html).not.toMatch(/script|onerror|javascript:/i);
    expect(ada.find((d) => d.kind === 'cta')).toMatchObject({ target: '#buy', text: 'Upgrade, Ada', href: 'https://shop.example/pro', triggers: { scrollPercent: 50, exitIntent: true } });
    expect(ada.find((d) => d.kind === 'inline')).toMatchObject({ target: 'hero', html: 'For pros', triggers: {} });

    // Not a product page: only the prefix rule of the sale bar matches there.
    expect((await decideFor({ userId: 'ada' }, 'https://shop.example/products', w)).map((d) => d.kind).sort()).toEqual(['cta', 'inline']);
    expect((await decideFor({ userId: 'ada' }, 'https://shop.example/sale/summer', w)).map((d) => d.kind).sort()).toEqual(['cta', 'inline', 'top_bar']);
    // Not in the segment; a trait's markup is escaped by liquid, then sanitised.
    const eve = await decideFor({ userId: 'eve' }, 'https://shop.example/products/mug', w);
    expect(eve.map((d) => d.kind)).toEqual(['slide_in']);
    expect(eve[0]!.html).not.toContain('<script');
    // A visitor nobody has seen yet gets the pages' placements, nothing of a segment.
    expect((await decideFor({ anonymousId: 'brand-new' }, 'https://shop.example/products/mug', w)).map((d) => d.kind)).toEqual(['slide_in']);
    // Declined marketing: nothing.
    expect((await post('/v1/decide', { writeKey: w.writeKey, userId: 'ada', url: 'https://shop.example/products/mug', consent: { marketing: false } })).json.placements).toEqual([]);
  });

  it('caps impressions per profile and placement, and records events in ClickHouse', async () => {
    const w = await createWorkspace(server.app.postgres.db, 'onsite-caps');
    await place(w, { name: 'Once a week', kind: 'modal', priority: 5, content: 'Welcome', rules: { frequency: { max: 1, days: 7 } } });
    await place(w, { name: 'Fallback', kind: 'modal', priority: 1, content: 'Still here' });
    const first = await decideFor({ anonymousId: 'cap-1' }, 'https://shop.example/', w);
    expect(first.map((d) => d.html)).toEqual(['Welcome']);
    // Decided but never seen does not count.
    expect((await decideFor({ anonymousId: 'cap-1' }, 'https://shop.example/', w)).map((d) => d.html)).toEqual(['Welcome']);
    expect((await event(first[0]!.token, 'impression', w)).status).toBe(200);
    // Capped: the next modal by priority takes its place; another visitor still gets it.
    const second = await decideFor({ anonymousId: 'cap-1' }, 'https://shop.example/', w);
    expect(second.map((d) => d.html)).toEqual(['Still here']);
    expect((await decideFor({ anonymousId: 'cap-2' }, 'https://shop.example/', w)).map((d) => d.html)).toEqual(['Welcome']);
    expect((await event(second[0]!.token, 'click', w)).status).toBe(200);
    expect((await event(second[0]!.token, 'dismiss', w)).status).toBe(200);
    // A token is bound to its workspace.
    expect((await event(second[0]!.token, 'click', ws)).status).toBe(403);
    const rows = await selectRows<{ kind: string; template_id: string }>(
      server.app.clickhouse,
      `SELECT kind, template_id FROM message_events WHERE workspace_id = {ws:String} AND channel = 'onsite' ORDER BY kind`,
      { ws: w.id },
    );
    expect(rows.map((r) => r.kind)).toEqual(['click', 'dismiss', 'impression']);
  });

  it('shows a queued journey message once, and never after it expired', async () => {
    await saveTemplate(server.app, ws.id, { name: 'Come back', channel: 'onsite', subject: 'Hello {{ profile.traits.first_name }}', body: '<p>Your cart misses you<script>evil()</script></p>' });
    const profileId = await resolveProfileId(server.app, ws.id, { userId: 'ada' });
    const channel = new OnsiteChannel(server.app);
    const msg = { workspaceId: ws.id, journeyId: 'j1', version: 1, nodeId: 'n1', runId: 'r1', channel: 'onsite' as const, template: 'Come back', profile: { id: profileId, traits: { first_name: 'Ada' } } };
    expect(await channel.send({ ...msg, idempotencyKey: 'run-1:n1' })).toMatchObject({ status: 'sent' });
    expect(await channel.send({ ...msg, idempotencyKey: 'run-1:n1' })).toMatchObject({ status: 'sent' }); // a retry queues nothing more
    // Queued 8 days ago with the default 7-day life: expired.
    const old = await queueOnsiteMessage(server.app, { workspaceId: ws.id, profile: { id: profileId, traits: {} }, template: 'Come back', idempotencyKey: 'run-0:n1', now: new Date(Date.now() - 8 * 86_400_000) });
    expect(old.status).toBe('queued');

    // The anonymous id linked to Ada finds her queue too.
    const shown = await decideFor({ anonymousId: 'anon-ada' }, 'https://shop.example/anything');
    const queued = shown.filter((d) => d.id.startsWith('msg_'));
    expect(queued).toHaveLength(1);
    expect(queued[0]!.html).toBe('<p><strong>Hello Ada</strong></p><p>Your cart misses you</p>');
    expect((await decideFor({ userId: 'ada' }, 'https://shop.example/')).filter((d) => d.id.startsWith('msg_'))).toHaveLength(1);
    expect((await event(queued[0]!.token, 'impression')).status).toBe(200);
    expect((await decideFor({ userId: 'ada' }, 'https://shop.example/')).filter((d) => d.id.startsWith('msg_'))).toEqual([]);

    let kinds: Array<{ message_id: string; kind: string; journey_id: string }> = [];
    for (let i = 0; i < 50; i++) {
      kinds = await selectRows(server.app.clickhouse, `SELECT message_id, kind, journey_id FROM message_events WHERE workspace_id = {ws:String} AND channel = 'onsite' ORDER BY message_id, kind`, { ws: ws.id });
      if (kinds.some((k) => k.kind === 'expired')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const byMessage = (id: string) => kinds.filter((k) => k.message_id === id).map((k) => k.kind);
    expect(byMessage(queued[0]!.id)).toEqual(['impression', 'sent']);
    expect(byMessage(old.messageId)).toEqual(['expired', 'sent']);
    expect(kinds.find((k) => k.message_id === queued[0]!.id)?.journey_id).toBe('j1');
  });

  it('answers within its budget: without the visitor\'s view it shows what needs none, with it everything', async () => {
    const w = await createWorkspace(server.app.postgres.db, 'onsite-budget');
    await ingest(server.app, w.id, [{ type: 'identify', userId: 'kim', traits: { plan: 'pro' } }]);
    const pro = await createSegment(server.app, w.id, { name: 'Pro', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    await refreshSegment(server.app, pro);
    await place(w, { name: 'Everyone', kind: 'top_bar', content: 'Free delivery today' });
    await place(w, { name: 'Pro only', kind: 'slide_in', content: 'Your pro offer', rules: { segments: [pro.id] } });
    const url = new URL('https://shop.example/');
    const kim = await resolveProfileId(server.app, w.id, { userId: 'kim' });

    const hurried = await decide(server.app, { workspaceId: w.id, userId: 'kim', url, budgetMs: 0 });
    expect(hurried.partial).toBe(true);
    expect(hurried.placements.map((d) => d.kind)).toEqual(['top_bar']);
    const patient = await decide(server.app, { workspaceId: w.id, userId: 'kim', url, budgetMs: 10_000 });
    expect(patient.partial).toBeUndefined();
    expect(patient.profileId).toBe(kim);
    expect(patient.placements.map((d) => d.kind).sort()).toEqual(['slide_in', 'top_bar']);
    // A first page view (an id nobody has linked) gets a full answer too: the view says it is nobody yet.
    const first = await decide(server.app, { workspaceId: w.id, anonymousId: 'first-visit', url, budgetMs: 10_000 });
    expect(first.partial).toBeUndefined();
    expect(first.placements.map((d) => d.kind)).toEqual(['top_bar']);
  });

  it('refuses an invalid placement naming the field', async () => {
    await expect(place(ws, { name: 'Bad', kind: 'inline', content: 'x' })).rejects.toThrow(/^target:/);
    await expect(place(ws, { name: 'Bad', kind: 'slide_in', content: '{% if x %}' })).rejects.toThrow(/^content:/);
    await expect(place(ws, { name: 'Bad', kind: 'slide_in', content: 'x', rules: { segments: ['seg_nope'] } })).rejects.toThrow(/^rules\.segments\[0\]:/);
    await expect(place(ws, { name: 'Bad', kind: 'slide_in', content: 'x', rules: { frequency: { max: 0, days: 1 } } })).rejects.toThrow(/^rules\.frequency\.max:/);
  });

  it('lists, saves, previews and deletes placements through the dashboard router', async () => {
    const w = await createWorkspace(server.app.postgres.db, 'onsite-router');
    const user = await createTestUser(server.app, [w.id]);
    const caller = appRouter.createCaller({ app: server.app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const saved = await caller.onsite.save({ workspaceId: w.id, placement: { name: 'Bar', kind: 'top_bar', content: '<b onclick="x()">Hi {{ page.path }}</b>' } });
    expect((await caller.onsite.list({ workspaceId: w.id })).map((p) => p.name)).toEqual(['Bar']);
    const preview = await caller.onsite.preview({ workspaceId: w.id, placement: { ...saved, content: saved.content + '<script>x()</script>' }, url: 'https://shop.example/sale' });
    expect(preview).toMatchObject({ kind: 'top_bar', html: '<b>Hi /sale</b>' });
    await expect(caller.onsite.save({ workspaceId: w.id, placement: { name: 'Bar', kind: 'modal', content: 'x' } })).rejects.toThrow(/^name:/);
    // Another workspace's placements are out of reach.
    const other = await createWorkspace(server.app.postgres.db, 'onsite-router-other');
    await expect(caller.onsite.list({ workspaceId: other.id })).rejects.toThrow();
    expect(await caller.onsite.delete({ workspaceId: w.id, id: saved.id })).toEqual({ deleted: true });
    expect(await caller.onsite.list({ workspaceId: w.id })).toEqual([]);
    expect(await caller.onsite.saveSettings({ workspaceId: w.id, queueTtlDays: 3 })).toEqual({ queueTtlDays: 3 });
    expect(await caller.onsite.settings({ workspaceId: w.id })).toEqual({ queueTtlDays: 3 });
  });

  it('erases the queued messages and impressions of an erased profile', async () => {
    await ingest(server.app, ws.id, [{ type: 'identify', userId: 'zed', traits: { first_name: 'Zed' } }]);
    const profileId = await resolveProfileId(server.app, ws.id, { userId: 'zed' });
    await queueOnsiteMessage(server.app, { workspaceId: ws.id, profile: { id: profileId, traits: {} }, template: 'Come back', idempotencyKey: 'zed-1' });
    const count = async () => Number((await server.app.postgres.db.selectFrom('onsite_queue').select((eb) => eb.fn.countAll().as('n')).where('profile_id', '=', profileId).executeTakeFirstOrThrow()).n);
    expect(await count()).toBe(1);
    await erasePerson(server.app, ws.id, profileId, 'test');
    expect(await count()).toBe(0);
  });
});
