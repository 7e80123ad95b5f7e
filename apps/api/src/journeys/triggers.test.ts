import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { experimentHash } from '@overture/journeys';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '@overture/api/testing';
import { resolveProfileId } from '../profiles';
import { erasePerson } from '../erasers';
import { appRouter } from '../trpc/root';
import { testSinkChannels } from '../testing/test-sink-channel';
import { decideSplitsWith, useJourneyRuntime } from './services';
import { splitDecisions } from '../experiments';
import type { JourneyRuntime } from './runtime';
import { auditRows, ingestEvents, ManualClock, publishedJourney, runsOf, sinkMessages, until } from '../testing/journeys';
import { saveJourneySettings } from './settings';
import { runScheduledTriggers } from './scheduled';
import { journeyMetrics } from './metrics';
import { webhookSecret } from './webhook';

const noon = Date.parse('2026-01-15T12:00:00Z');

describe('triggers, goals, webhooks and recovery (PostgreSQL, Redis, chDB)', () => {
  let app: TestApp;
  let rt: JourneyRuntime;
  const clock = new ManualClock(noon);

  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres' });
    rt = useJourneyRuntime(app, { channels: testSinkChannels(app.postgres.db), clock });
    rt.startWorker({ concurrency: 8 });
  });
  afterAll(async () => {
    await rt?.close();
    await app?.close();
  });

  async function workspace(settings: Record<string, unknown> = {}) {
    const ws = await createWorkspace(app.postgres.db, 'triggers');
    await saveJourneySettings(app.postgres.db, ws.id, { quietHours: null, ...settings }, app.outbound);
    return ws;
  }
  const pid = (ws: string, u: string) => resolveProfileId(app, ws, { userId: u });
  const settled = (journeyId: string, n: number) =>
    until(() => runsOf(app, journeyId), (r) => r.length === n && r.every((x) => x.status !== 'active'), 45_000, `${n} runs to settle`);

  it('starts journeys on segment entered / exited events', async () => {
    clock.set(noon);
    const ws = await workspace();
    const entered = await publishedJourney(app, ws.id, { trigger: { type: 'segment', segmentId: 'seg_vip', on: 'entered' }, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'welcome-vip', next: null }] });
    const exited = await publishedJourney(app, ws.id, { trigger: { type: 'segment', segmentId: 'seg_vip', on: 'exited' }, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'miss-you', next: null }] });
    await ingestEvents(app, ws.id, [
      { type: 'track', userId: 'in', event: '$segment_entered', properties: { segment_id: 'seg_vip', segment_name: 'VIP' } },
      { type: 'track', userId: 'out', event: '$segment_exited', properties: { segment_id: 'seg_vip', segment_name: 'VIP' } },
      { type: 'track', userId: 'other', event: '$segment_entered', properties: { segment_id: 'seg_other', segment_name: 'Other' } },
    ]);
    await settled(entered.id, 1);
    await settled(exited.id, 1);
    const msgs = await sinkMessages(app, ws.id);
    expect(Object.fromEntries(msgs.map((m) => [m.template, m.profile_id]))).toEqual({ 'welcome-vip': await pid(ws.id, 'in'), 'miss-you': await pid(ws.id, 'out') });
  });

  it('fires date-property triggers on the right local day, once per occurrence, and broadcasts to a segment once', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const ws = await workspace();
    const birthday = await publishedJourney(app, ws.id, {
      trigger: { type: 'date_property', property: 'birthday', offsetDays: -5, recurring: 'yearly' },
      entry: { frequency: 'every_time' },
      start: 'm',
      nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'birthday-soon', next: null }],
    });
    const broadcast = await publishedJourney(app, ws.id, {
      trigger: { type: 'broadcast', segmentId: 'seg_all', at: '2026-01-15T11:00:00Z' },
      start: 'm',
      nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'sale', next: null }],
    });
    await ingestEvents(app, ws.id, [
      { type: 'identify', userId: 'bday', traits: { birthday: '1990-01-20' } },
      { type: 'identify', userId: 'later', traits: { birthday: '1985-03-02' } },
      // At 16:00 UTC it is already Jan 16 in Tokyo: five days before the 21st.
      { type: 'identify', userId: 'tokyo', traits: { birthday: '2000-01-21', timezone: 'Asia/Tokyo' } },
    ]);
    const members = ['m1', 'm2'];
    const memberIds = await Promise.all(members.map((m) => resolveProfileId(app, ws.id, { userId: m })));
    const chNow = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await app.clickhouse.insert({
      table: 'segment_members',
      values: memberIds.map((p) => ({ workspace_id: ws.id, segment_id: 'seg_all', profile_id: p, is_member: 1, version: 1, changed_at: chNow })),
      format: 'JSONEachRow',
    });
    clock.set('2026-01-15T16:00:00Z');
    expect((await runScheduledTriggers(rt, app.postgres.db, [ws.id])).entered).toBe(4);
    expect((await runScheduledTriggers(rt, app.postgres.db, [ws.id])).entered).toBe(0);
    await settled(birthday.id, 2);
    await settled(broadcast.id, 2);
    const msgs = await sinkMessages(app, ws.id);
    const names = new Map([[await pid(ws.id, 'bday'), 'bday'], [await pid(ws.id, 'tokyo'), 'tokyo'], ...memberIds.map((p, i) => [p, members[i]!] as [string, string])]);
    expect(msgs.map((m) => `${m.template}:${names.get(m.profile_id)}`).sort()).toEqual(['birthday-soon:bday', 'birthday-soon:tokyo', 'sale:m1', 'sale:m2']);
  });

  it('exits on the goal, attributes conversion and revenue to the journey and the last message, and measures lift against the holdout', async () => {
    clock.set(noon);
    const ws = await workspace();
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Cart Abandoned' },
      goal: { event: 'Order Completed', revenueProperty: 'revenue', attributionWindowHours: 48 },
      start: 'ab',
      nodes: [
        { id: 'ab', type: 'split', holdoutPercent: 30, branches: [{ name: 'A', weight: 1, next: 'mail-a' }, { name: 'B', weight: 1, next: 'mail-b' }] },
        { id: 'mail-a', type: 'message', channel: 'onsite', template: 'a', next: 'wait' },
        { id: 'mail-b', type: 'message', channel: 'onsite', template: 'b', next: 'wait' },
        { id: 'wait', type: 'wait', seconds: 86_400, next: 'reminder' },
        { id: 'reminder', type: 'message', channel: 'onsite', template: 'reminder', next: null },
      ],
    });
    const users = Array.from({ length: 40 }, (_, i) => `shopper${i}`);
    await ingestEvents(app, ws.id, users.map((u) => ({ type: 'track', userId: u, event: 'Cart Abandoned' })));
    await settled(j.id, 40);
    const runs = await runsOf(app, j.id);
    // Deterministic: the holdout is exactly the profiles whose hash falls under 30 %.
    for (const r of runs) expect(r.status === 'holdout').toBe(experimentHash(`journey:${j.id}:ab`, r.profile_id) < 0.3);
    const holdout = runs.filter((r) => r.status === 'holdout');
    const treated = runs.filter((r) => r.status !== 'holdout');
    expect(holdout.length).toBeGreaterThan(3);
    expect(treated.length).toBeGreaterThan(15);
    expect((await sinkMessages(app, ws.id)).length).toBe(treated.length);
    const nameOf = new Map(await Promise.all(users.map(async (u) => [await pid(ws.id, u), u] as [string, string])));
    // Every treated profile converts, one holdout profile converts.
    clock.advance(3600_000);
    const buyers = [...treated.map((r) => nameOf.get(r.profile_id)!), nameOf.get(holdout[0]!.profile_id)!];
    await ingestEvents(app, ws.id, buyers.map((u) => ({ type: 'track', userId: u, event: 'Order Completed', properties: { revenue: 10 } })));
    // A second purchase does not count twice.
    await ingestEvents(app, ws.id, [{ type: 'track', userId: buyers[0], event: 'Order Completed', properties: { revenue: 99 } }]);
    const after = await runsOf(app, j.id);
    expect(after.filter((r) => r.converted_at !== null)).toHaveLength(buyers.length);
    for (const r of after.filter((x) => !x.holdout && x.converted_at !== null)) {
      expect(r.status).toBe('converted');
      expect(r.attributed_node).toMatch(/^mail-[ab]$/);
      expect(r.revenue).toBe(10);
    }
    expect(after.find((r) => r.holdout && r.converted_at !== null)?.attributed_node).toBeNull();
    // Converted runs exit: the reminder never goes.
    clock.advance(86_400_000);
    await rt.reconcile({ graceMs: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect((await sinkMessages(app, ws.id)).filter((m) => m.template === 'reminder')).toHaveLength(0);
    await rt.recorder.flush();
    const m = await journeyMetrics(app.postgres.db, app.clickhouse, ws.id, j.id);
    expect(m.treatment).toEqual({ profiles: treated.length, conversions: treated.length, rate: 1 });
    expect(m.holdout.conversions).toBe(1);
    expect(m.revenue).toBe(10 * treated.length);
    expect(m.lift).toBeCloseTo((1 - 1 / holdout.length) / (1 / holdout.length));
    expect(m.attributedToMessages).toBe(treated.length);
    expect((await auditRows(app, ws.id)).filter((a) => a.action === 'goal.converted')).toHaveLength(buyers.length);

    // The split is an experiment: holdout first (the control), each run exposed once in its arm.
    const user = await createTestUser(app, [ws.id]);
    const caller = appRouter.createCaller({ app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const [experiment] = await caller.experiments.list({ workspaceId: ws.id });
    expect(experiment).toMatchObject({ key: `journey:${j.id}:ab`, kind: 'journey_split', variants: [{ name: 'holdout', weight: 30 }, { name: 'A', weight: 35 }, { name: 'B', weight: 35 }] });
    const r = await until(() => caller.experiments.readout({ workspaceId: ws.id, experimentId: experiment!.id }), (x) => x.readout.exposures === 40, 45_000, 'the exposures');
    const arm = (name: string) => runs.filter((x) => (x.context as { split?: string }).split === `ab:${name}`).length;
    expect(r.readout.variants.map((v) => [v.name, v.n])).toEqual([['holdout', holdout.length], ['A', arm('A')], ['B', arm('B')]]);

    // Picking B routes every later entrant to B (the worker wires the decisions in as here), unexposed.
    await caller.experiments.pickWinner({ workspaceId: ws.id, experimentId: experiment!.id, variant: 'B' });
    decideSplitsWith(app, splitDecisions(app));
    const late = Array.from({ length: 10 }, (_, i) => `late${i}`);
    await ingestEvents(app, ws.id, late.map((u) => ({ type: 'track', userId: u, event: 'Cart Abandoned' })));
    await settled(j.id, 50);
    const latePids = new Set(await Promise.all(late.map((u) => pid(ws.id, u))));
    const lateRuns = (await runsOf(app, j.id)).filter((x) => latePids.has(x.profile_id));
    expect(lateRuns.map((x) => (x.context as { split?: string }).split)).toEqual(late.map(() => 'ab:B'));
    await rt.recorder.flush();
    expect((await caller.experiments.readout({ workspaceId: ws.id, experimentId: experiment!.id })).readout.exposures).toBe(40);
  });

  it('calls webhooks signed, retrying server errors, refusing hosts off the allow-list', async () => {
    clock.set(noon);
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    let failures = 2;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/slow') return; // never answers: the timeout ends it
        received.push({ headers: req.headers, body });
        if (failures-- > 0) res.writeHead(503).end();
        else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const ws = await workspace({ webhookHosts: [`127.0.0.1:${port}`] });
      const j = await publishedJourney(app, ws.id, {
        trigger: { type: 'event', event: 'Order Delayed' },
        start: 'hook',
        nodes: [
          { id: 'hook', type: 'webhook', url: `http://127.0.0.1:${port}/delays`, body: { reason: 'carrier' }, retries: 3, timeoutMs: 2000, next: 'slow' },
          { id: 'slow', type: 'webhook', url: `http://127.0.0.1:${port}/slow`, retries: 0, timeoutMs: 200, next: 'evil' },
          { id: 'evil', type: 'webhook', url: 'http://evil.example.com/x', retries: 0, timeoutMs: 200, next: null },
        ],
      });
      await ingestEvents(app, ws.id, [{ type: 'track', userId: 'late', event: 'Order Delayed' }]);
      await until(() => runsOf(app, j.id), (r) => r[0]?.status === 'completed', 45_000, 'the run to complete');
      expect(received).toHaveLength(3);
      const last = received[2]!;
      const [t, v1] = String(last.headers['x-overture-signature']).split(',').map((p) => p.split('=')[1]);
      const expected = createHmac('sha256', webhookSecret(app.config.secret, ws.id)).update(`${t}.${last.body}`).digest('hex');
      expect(v1).toBe(expected);
      expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      expect(JSON.parse(last.body)).toMatchObject({ reason: 'carrier', journey_id: j.id, node_id: 'hook', profile_id: await pid(ws.id, 'late') });
      const audit = await auditRows(app, ws.id);
      expect(audit.map((a) => [a.detail.nodeId, a.rule, a.detail.outcome.status])).toEqual([
        ['hook', null, 'ok'],
        ['slow', 'webhook_failed', 'failed'],
        ['evil', 'webhook_failed', 'failed'],
      ]);
      expect(audit[0]!.detail.outcome.attempts).toBe(3);
      expect(String(audit[1]!.detail.outcome.error)).toContain('timed out');
      expect(String(audit[2]!.detail.outcome.error)).toContain('allow-list');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('re-schedules runs whose jobs vanished (Redis lost them) without sending twice', async () => {
    clock.set(noon);
    const ws = await workspace();
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Joined' },
      start: 'hi',
      nodes: [
        { id: 'hi', type: 'message', channel: 'onsite', template: 'hi', next: 'w' },
        { id: 'w', type: 'wait', seconds: 600, next: 'again' },
        { id: 'again', type: 'message', channel: 'onsite', template: 'again', next: null },
      ],
    });
    await ingestEvents(app, ws.id, ['r1', 'r2', 'r3'].map((u) => ({ type: 'track', userId: u, event: 'Joined' })));
    await until(() => runsOf(app, j.id), (r) => r.length === 3 && r.every((x) => x.status === 'waiting'), 45_000, 'waiting');
    // Lose every job, as a Redis restart without persistence would.
    await rt.queue.obliterate({ force: true });
    clock.advance(601_000);
    const report = await rt.reconcile({ graceMs: 0 });
    expect(report).toMatchObject({ checked: 3, rescheduled: 3 });
    await until(() => runsOf(app, j.id), (r) => r.every((x) => x.status === 'completed'), 45_000, 'completed');
    // Reconciling again finds nothing to do, and nothing is sent twice.
    expect((await rt.reconcile({ graceMs: 0 })).checked).toBe(0);
    const msgs = await sinkMessages(app, ws.id);
    expect(msgs.map((m) => m.template).sort()).toEqual(['again', 'again', 'again', 'hi', 'hi', 'hi']);
    expect(msgs.every((m) => m.deliveries === 1)).toBe(true);
  });

  it('erases a person’s journey data on a GDPR erase', async () => {
    clock.set(noon);
    const ws = await workspace();
    const j = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Hi' }, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'hi', next: null }] });
    await ingestEvents(app, ws.id, ['gone', 'kept'].map((u) => ({ type: 'track', userId: u, event: 'Hi' })));
    await settled(j.id, 2);
    await rt.recorder.flush();
    const gone = await pid(ws.id, 'gone');
    const stepEvents = async () => {
      const rs = await app.clickhouse.query({ query: 'SELECT count() AS n FROM journey_events WHERE workspace_id = {ws:String} AND profile_id = {p:String}', query_params: { ws: ws.id, p: gone }, format: 'JSONEachRow' });
      return Number((await rs.json<{ n: string | number }>())[0]?.n);
    };
    expect(await stepEvents()).toBeGreaterThan(0);
    await erasePerson(app, ws.id, gone, 'test');
    expect((await runsOf(app, j.id)).map((r) => r.profile_id)).toEqual([await pid(ws.id, 'kept')]);
    expect((await sinkMessages(app, ws.id)).map((m) => m.profile_id)).not.toContain(gone);
    const left = await app.postgres.db.selectFrom('journey_actions').select('profile_id').where('workspace_id', '=', ws.id).execute();
    expect(left.map((r) => r.profile_id)).not.toContain(gone);
    expect(await stepEvents()).toBe(0);
  });

  it('serves the builder through tRPC: inline validation naming nodes, publish, status, metrics', async () => {
    const ws = await workspace();
    const user = await createTestUser(app, [ws.id]);
    const caller = appRouter.createCaller({ app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const broken = { trigger: { type: 'event', event: 'X' }, start: 'a', nodes: [{ id: 'a', type: 'wait', seconds: 10, next: 'ghost' }, { id: 'b', type: 'message', channel: 'fax', template: 't', next: null }] };
    const v = await caller.journeys.validate({ workspaceId: ws.id, definition: broken });
    expect(v.ok).toBe(false);
    expect(v.issues.map((i) => i.nodeId).sort()).toEqual(['a', 'b']);
    expect(v.issues.find((i) => i.nodeId === 'a')!.message).toContain('node "a": next points to "ghost"');
    const created = await caller.journeys.create({ workspaceId: ws.id, name: 'Welcome', draft: broken });
    await expect(caller.journeys.publish({ workspaceId: ws.id, journeyId: created.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('node "a"') });
    const fixed = { ...broken, nodes: [{ id: 'a', type: 'wait', seconds: 10, next: 'b' }, { id: 'b', type: 'message', channel: 'email', template: 't', next: null }] };
    expect((await caller.journeys.saveDraft({ workspaceId: ws.id, journeyId: created.id, draft: fixed })).issues).toEqual([]);
    expect(await caller.journeys.publish({ workspaceId: ws.id, journeyId: created.id })).toEqual({ version: 1 });
    expect(await caller.journeys.setStatus({ workspaceId: ws.id, journeyId: created.id, action: 'pause' })).toEqual({ status: 'paused' });
    await expect(caller.journeys.setStatus({ workspaceId: ws.id, journeyId: created.id, action: 'pause' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const list = await caller.journeys.list({ workspaceId: ws.id });
    expect(list).toMatchObject([{ id: created.id, name: 'Welcome', status: 'paused', publishedVersion: 1 }]);
    const metrics = await caller.journeys.metrics({ workspaceId: ws.id, journeyId: created.id });
    expect(metrics).toMatchObject({ entered: 0, conversions: 0, lift: null });
    await expect(caller.journeys.saveSettings({ workspaceId: ws.id, settings: { bestHour: 30 } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('bestHour') });
    const other = await createWorkspace(app.postgres.db, 'not mine');
    await expect(caller.journeys.list({ workspaceId: other.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.journeys.get({ workspaceId: ws.id, journeyId: 'j_missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
