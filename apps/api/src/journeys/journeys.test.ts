import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from 'bullmq';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { resolveProfileId } from '../profiles';
import { testSinkChannels } from '../testing/test-sink-channel';
import { useJourneyRuntime } from './services';
import type { JourneyRuntime } from './runtime';
import { auditRows, ingestEvents, ManualClock, publishedJourney, republish, runsOf, sinkMessages, until } from '../testing/journeys';
import { journeyMetrics } from './metrics';
import { saveJourneySettings } from './settings';
import { setJourneyStatus } from './journeys';

const start = Date.parse('2026-01-15T15:00:00Z');

// On the PostgreSQL server only: where the engines differ, src/stores/postgres/conformance.test.ts runs on both.
describe.each(['postgres'] as const)('journeys end to end, with %s', (postgres) => {
  let app: TestApp;
  let rt: JourneyRuntime;
  let worker: Worker;
  const clock = new ManualClock(start);

  beforeAll(async () => {
    app = await createTestApp({ postgres });
    rt = useJourneyRuntime(app, { channels: testSinkChannels(app.postgres.db), clock });
    worker = rt.startWorker({ concurrency: 8 });
  });
  afterAll(async () => {
    await rt?.close();
    await app?.close();
  });

  async function workspace(settings: Record<string, unknown> = { quietHours: null }) {
    const ws = await createWorkspace(app.postgres.db, 'journeys');
    await saveJourneySettings(app.postgres.db, ws.id, settings);
    return ws;
  }
  const settle = (journeyId: string) => until(() => runsOf(app, journeyId), (runs) => runs.every((r) => !['active'].includes(r.status)), 15_000, 'runs to settle');

  it('enters on a matching event, sends once to the sink and writes one audit row per action', async () => {
    clock.set(start);
    const ws = await workspace();
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Checkout Started', filters: [{ property: 'cart_value', op: 'gte', value: 50 }] },
      entry: { frequency: 'once' },
      start: 'send',
      nodes: [{ id: 'send', type: 'message', channel: 'email', template: 'cart-reminder', next: null }],
    });
    await ingestEvents(app, ws.id, [
      { type: 'identify', userId: 'ann', traits: { email: 'ann@example.com' } },
      { type: 'track', userId: 'ann', event: 'Checkout Started', properties: { cart_value: 80 } },
      { type: 'track', userId: 'ann', event: 'Checkout Started', properties: { cart_value: 90 } },
      { type: 'track', userId: 'bo', event: 'Checkout Started', properties: { cart_value: 10 } },
    ]);
    const msgs = await until(() => sinkMessages(app, ws.id), (m) => m.length >= 1, 15_000, 'a message');
    await settle(j.id);
    expect(msgs).toHaveLength(1);
    const ann = await resolveProfileId(app, ws.id, { userId: 'ann' });
    expect(msgs[0]).toMatchObject({ profile_id: ann, channel: 'email', template: 'cart-reminder', deliveries: 1 });
    const runs = await runsOf(app, j.id);
    expect(runs.map((r) => r.status)).toEqual(['completed']);
    const audit = await auditRows(app, ws.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'message.sent', actor: `journey:${j.id}@v1`, subject: ann });
    expect(audit[0]!.detail.decision).toMatchObject({ channel: 'email', channelRule: 'requested' });
    // The step shows in the profile's timeline.
    await rt.recorder.flush();
    const { timeline } = await import('../profiles');
    const steps = (await timeline(app, ws.id, ann)).items.filter((i) => i.event === '$journey_step');
    expect(steps.map((i) => i.properties)).toEqual([expect.objectContaining({ journey_id: j.id, node_id: 'send', step: 'sent', channel: 'email' })]);
  });

  it('applies entry rules: every time, at most once per N days, and the entry cap', async () => {
    clock.set(start);
    const ws = await workspace();
    const nodes = [{ id: 'out', type: 'exit' }];
    const every = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Visit' }, entry: { frequency: 'every_time' }, start: 'out', nodes });
    const weekly = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Visit' }, entry: { frequency: 'once_per_period', periodDays: 7 }, start: 'out', nodes });
    const capped = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Visit' }, entry: { frequency: 'every_time', cap: 3 }, start: 'out', nodes });
    const vip = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Visit' },
      entry: { frequency: 'once', audience: [{ kind: 'trait', filter: { property: 'plan', op: 'eq', value: 'pro' } }] },
      start: 'out',
      nodes,
    });
    await ingestEvents(app, ws.id, [{ type: 'identify', userId: 'pro-user', traits: { plan: 'pro' } }]);
    await ingestEvents(app, ws.id, [
      { type: 'track', userId: 'cy', event: 'Visit' },
      { type: 'track', userId: 'pro-user', event: 'Visit' },
    ]);
    clock.advance(86_400_000);
    await ingestEvents(app, ws.id, [{ type: 'track', userId: 'cy', event: 'Visit' }]);
    clock.advance(7 * 86_400_000);
    await ingestEvents(app, ws.id, [{ type: 'track', userId: 'cy', event: 'Visit' }]);
    const count = async (id: string) => (await runsOf(app, id)).length;
    expect(await count(every.id)).toBe(4);
    expect(await count(weekly.id)).toBe(3); // day 0 (cy and pro-user), day 8 (cy); day 1 refused
    expect(await count(capped.id)).toBe(3);
    const vipRuns = await runsOf(app, vip.id);
    expect(vipRuns.map((r) => r.profile_id)).toEqual([await resolveProfileId(app, ws.id, { userId: 'pro-user' })]);
  });

  it('keeps profiles in flight on the version they entered; a new version applies to new entries', async () => {
    clock.set(start);
    const ws = await workspace();
    const def = (template: string) => ({
      trigger: { type: 'event' as const, event: 'Signed Up' },
      start: 'wait',
      nodes: [
        { id: 'wait', type: 'wait' as const, seconds: 3600, next: 'send' },
        { id: 'send', type: 'message' as const, channel: 'onsite' as const, template, next: null },
      ],
    });
    const j = await publishedJourney(app, ws.id, def('welcome-v1'));
    await ingestEvents(app, ws.id, [{ type: 'track', userId: 'early', event: 'Signed Up' }]);
    await until(() => runsOf(app, j.id), (r) => r[0]?.status === 'waiting', 15_000, 'early to wait');
    expect((await republish(app, ws.id, j.id, def('welcome-v2'))).version).toBe(2);
    await ingestEvents(app, ws.id, [{ type: 'track', userId: 'late', event: 'Signed Up' }]);
    await until(() => runsOf(app, j.id), (r) => r.length === 2 && r.every((x) => x.status === 'waiting'), 15_000, 'both waiting');
    // The wait is an hour by the engine's clock: move it on, and the reconciler promotes the delayed jobs.
    clock.advance(3600_000 + 1000);
    // A run is 'waiting' a moment before its step job has settled as delayed: reconcile until both are promoted.
    let promoted = 0;
    const reports: unknown[] = [];
    await until(async () => {
      const report = await rt.reconcile({ graceMs: 0 });
      reports.push(report);
      expect(report.checked).toBe(2);
      promoted += report.promoted;
      return promoted;
    }, (n) => n >= 2, 15_000, 'both delayed steps promoted');
    expect(promoted, JSON.stringify(reports)).toBe(2);
    const msgs = await until(() => sinkMessages(app, ws.id), (m) => m.length === 2, 15_000, 'two messages');
    const early = await resolveProfileId(app, ws.id, { userId: 'early' });
    expect(Object.fromEntries(msgs.map((m) => [m.profile_id === early ? 'early' : 'late', m.template]))).toEqual({ early: 'welcome-v1', late: 'welcome-v2' });
    expect((await runsOf(app, j.id)).map((r) => r.version).sort()).toEqual([1, 2]);
  });

  it('waits for an event with a timeout and takes the matching branch', async () => {
    clock.set(start);
    const ws = await workspace();
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Order Placed' },
      start: 'shipped',
      nodes: [
        { id: 'shipped', type: 'wait_for_event', event: 'Order Shipped', timeoutSeconds: 86_400, onEvent: 'thanks', onTimeout: 'sorry' },
        { id: 'thanks', type: 'message', channel: 'onsite', template: 'shipped', next: null },
        { id: 'sorry', type: 'message', channel: 'onsite', template: 'order-delayed', next: null },
      ],
    });
    await ingestEvents(app, ws.id, [
      { type: 'track', userId: 'fast', event: 'Order Placed' },
      { type: 'track', userId: 'slow', event: 'Order Placed' },
    ]);
    await until(() => runsOf(app, j.id), (r) => r.length === 2 && r.every((x) => x.status === 'waiting_event'), 15_000, 'waiting for the event');
    await ingestEvents(app, ws.id, [{ type: 'track', userId: 'fast', event: 'Order Shipped' }]);
    await until(() => sinkMessages(app, ws.id), (m) => m.length === 1, 15_000, 'the shipped message');
    clock.advance(86_400_000 + 1000);
    await rt.reconcile({ graceMs: 0 });
    const msgs = await until(() => sinkMessages(app, ws.id), (m) => m.length === 2, 15_000, 'the delayed message');
    const fast = await resolveProfileId(app, ws.id, { userId: 'fast' });
    expect(msgs.map((m) => [m.profile_id === fast ? 'fast' : 'slow', m.template]).sort()).toEqual([
      ['fast', 'shipped'],
      ['slow', 'order-delayed'],
    ]);
  });

  it('waits until a weekday and time of day in each profile’s time zone', async () => {
    clock.set(start); // Thursday 2026-01-15 15:00 UTC
    const ws = await workspace();
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Subscribed' },
      start: 'monday',
      nodes: [
        { id: 'monday', type: 'wait_until', hour: 9, minute: 0, weekdays: [1], next: 'digest' },
        { id: 'digest', type: 'message', channel: 'onsite', template: 'weekly', next: null },
      ],
    });
    await ingestEvents(app, ws.id, [
      { type: 'identify', userId: 'tokyo', traits: { timezone: 'Asia/Tokyo' } },
      { type: 'identify', userId: 'ny', traits: { timezone: 'America/New_York' } },
    ]);
    await ingestEvents(app, ws.id, ['tokyo', 'ny'].map((u) => ({ type: 'track', userId: u, event: 'Subscribed' })));
    const runs = await until(() => runsOf(app, j.id), (r) => r.length === 2 && r.every((x) => x.status === 'waiting'), 15_000, 'both waiting');
    const tokyo = await resolveProfileId(app, ws.id, { userId: 'tokyo' });
    const wake = Object.fromEntries(runs.map((r) => [r.profile_id === tokyo ? 'tokyo' : 'ny', Number(r.wake_at)]));
    expect(wake).toEqual({ tokyo: Date.parse('2026-01-19T00:00:00Z'), ny: Date.parse('2026-01-19T14:00:00Z') });
    clock.set('2026-01-19T00:00:01Z');
    await rt.reconcile({ graceMs: 0 });
    const first = await until(() => sinkMessages(app, ws.id), (m) => m.length === 1, 15_000, 'Tokyo’s digest');
    expect(first[0]!.profile_id).toBe(tokyo);
    clock.set('2026-01-19T14:00:01Z');
    await rt.reconcile({ graceMs: 0 });
    await until(() => sinkMessages(app, ws.id), (m) => m.length === 2, 15_000, 'New York’s digest');
  });

  it('splits on conditions, updates a trait, and exits', async () => {
    clock.set(start);
    const ws = await workspace();
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Browse' },
      start: 'which',
      nodes: [
        {
          id: 'which',
          type: 'condition',
          branches: [
            { name: 'vip', when: [{ kind: 'trait', filter: { property: 'tier', op: 'eq', value: 'gold' } }], next: 'tag' },
            { name: 'buyer', when: [{ kind: 'event_performed', event: 'Order Completed', withinDays: 30 }], next: 'buyer-msg' },
          ],
          otherwise: 'bye',
        },
        { id: 'tag', type: 'update_trait', trait: 'journey_tag', value: 'vip-path', next: 'vip-msg' },
        { id: 'vip-msg', type: 'message', channel: 'onsite', template: 'vip', next: null },
        { id: 'buyer-msg', type: 'message', channel: 'onsite', template: 'buyer', next: null },
        { id: 'bye', type: 'exit' },
      ],
    });
    await ingestEvents(app, ws.id, [
      { type: 'identify', userId: 'gold', traits: { tier: 'gold' } },
      { type: 'track', userId: 'buyer', event: 'Order Completed', properties: { revenue: 5 } },
    ]);
    await ingestEvents(app, ws.id, ['gold', 'buyer', 'nobody'].map((u) => ({ type: 'track', userId: u, event: 'Browse' })));
    await until(() => runsOf(app, j.id), (r) => r.length === 3 && r.every((x) => ['completed', 'exited'].includes(x.status)), 15_000, 'runs to end');
    const msgs = await sinkMessages(app, ws.id);
    const gold = await resolveProfileId(app, ws.id, { userId: 'gold' });
    const buyer = await resolveProfileId(app, ws.id, { userId: 'buyer' });
    const nobody = await resolveProfileId(app, ws.id, { userId: 'nobody' });
    expect(Object.fromEntries(msgs.map((m) => [m.profile_id, m.template]))).toEqual({ [gold]: 'vip', [buyer]: 'buyer' });
    const runs = await runsOf(app, j.id);
    expect(runs.find((r) => r.profile_id === nobody)?.status).toBe('exited');
    const { getProfile } = await import('../profiles');
    const profile = await getProfile(app, ws.id, gold);
    expect(profile?.traits.journey_tag).toBe('vip-path');
    expect((await auditRows(app, ws.id)).map((a) => a.action).sort()).toEqual(['message.sent', 'message.sent', 'trait.updated']);
  });

  it('archiving ends runs in flight at their next step; pausing stops new entries', async () => {
    clock.set(start);
    const ws = await workspace();
    const def = {
      trigger: { type: 'event' as const, event: 'Ping' },
      entry: { frequency: 'every_time' as const },
      start: 'w',
      nodes: [
        { id: 'w', type: 'wait' as const, seconds: 60, next: 'm' },
        { id: 'm', type: 'message' as const, channel: 'onsite' as const, template: 't', next: null },
      ],
    };
    const j = await publishedJourney(app, ws.id, def);
    await setJourneyStatus(app.postgres.db, ws.id, j.id, 'pause');
    await ingestEvents(app, ws.id, [{ type: 'track', userId: 'p', event: 'Ping' }]);
    expect(await runsOf(app, j.id)).toHaveLength(0);
    await setJourneyStatus(app.postgres.db, ws.id, j.id, 'resume');
    await ingestEvents(app, ws.id, [{ type: 'track', userId: 'p', event: 'Ping' }]);
    await until(() => runsOf(app, j.id), (r) => r[0]?.status === 'waiting', 15_000, 'waiting');
    await setJourneyStatus(app.postgres.db, ws.id, j.id, 'archive');
    // Past the wait, and past the 2 s the engine caches a journey's status for (by its clock).
    clock.advance(61_000);
    await rt.reconcile({ graceMs: 0 });
    await until(() => runsOf(app, j.id), (r) => r[0]?.status === 'exited', 15_000, 'exited');
    expect(await sinkMessages(app, ws.id)).toHaveLength(0);
  });

  it('reports per-node metrics, including waiting counts', async () => {
    clock.set(start);
    const ws = await workspace();
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Go' },
      start: 'w',
      nodes: [
        { id: 'w', type: 'wait', seconds: 3600, next: 'm' },
        { id: 'm', type: 'message', channel: 'email', template: 't', next: null },
      ],
    });
    await ingestEvents(app, ws.id, ['a', 'b', 'c'].map((u) => ({ type: 'track', userId: u, event: 'Go' })));
    await until(() => runsOf(app, j.id), (r) => r.length === 3 && r.every((x) => x.status === 'waiting'), 15_000, 'waiting');
    await rt.recorder.flush();
    const m1 = await journeyMetrics(app.postgres.db, app.clickhouse, ws.id, j.id);
    expect(m1.nodes.find((n) => n.nodeId === 'w')).toMatchObject({ entered: 3, waiting: 3 });
    clock.advance(3600_000 + 1000);
    await rt.reconcile({ graceMs: 0 });
    await until(() => runsOf(app, j.id), (r) => r.every((x) => x.status === 'completed'), 15_000, 'completed');
    await rt.recorder.flush();
    const m2 = await journeyMetrics(app.postgres.db, app.clickhouse, ws.id, j.id);
    // Nobody has an email address: every message is skipped, with the reason.
    expect(m2.nodes.find((n) => n.nodeId === 'm')).toMatchObject({ entered: 3, waiting: 0, skipped: { 'unreachable:no_email': 3 } });
    expect(m2.entered).toBe(3);
    void worker;
  });
});
