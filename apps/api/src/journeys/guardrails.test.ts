import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { resolveProfileId } from '../profiles';
import { testSinkChannels } from '../testing/test-sink-channel';
import { useJourneyRuntime } from './services';
import type { JourneyRuntime } from './runtime';
import { auditRows, ingestEvents, ManualClock, publishedJourney, runsOf, sinkMessages, until } from '../testing/journeys';
import { saveJourneySettings } from './settings';

// 03:00 UTC: 22:00 in New York, 04:00 in Berlin, 12:00 in Tokyo.
const night = Date.parse('2026-01-15T03:00:00Z');

describe('guardrails, right channel and right time (PostgreSQL, Redis, chDB)', () => {
  let app: TestApp;
  let rt: JourneyRuntime;
  const clock = new ManualClock(night);

  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres' });
    rt = useJourneyRuntime(app, { channels: testSinkChannels(app.postgres.db), clock });
    rt.startWorker({ concurrency: 8 });
  });
  afterAll(async () => {
    await rt?.close();
    await app?.close();
  });

  async function setup(settings: Record<string, unknown>, node: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const ws = await createWorkspace(app.postgres.db, 'guardrails');
    await saveJourneySettings(app.postgres.db, ws.id, { quietHours: null, ...settings });
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Go' },
      entry: { frequency: 'every_time' },
      start: 'msg',
      nodes: [{ id: 'msg', type: 'message', template: 'hello', next: null, ...node }],
      ...extra,
    });
    return { ws, j };
  }
  const pid = (ws: string, u: string) => resolveProfileId(app, ws, { userId: u });
  const settled = (journeyId: string, n: number) =>
    until(() => runsOf(app, journeyId), (r) => r.length === n && r.every((x) => x.status !== 'active'), 15_000, `${n} runs to settle`);

  it('defers to the end of quiet hours in each profile’s own time zone', async () => {
    clock.set(night);
    const { ws, j } = await setup({ quietHours: { start: 21, end: 8 } }, { channel: 'email' });
    await ingestEvents(app, ws.id, [
      { type: 'identify', userId: 'ny', traits: { timezone: 'America/New_York', email: 'ny@example.com' } },
      { type: 'identify', userId: 'berlin', traits: { timezone: 'Europe/Berlin', email: 'berlin@example.com' } },
      { type: 'identify', userId: 'tokyo', traits: { timezone: 'Asia/Tokyo', email: 'tokyo@example.com' } },
    ]);
    await ingestEvents(app, ws.id, ['ny', 'berlin', 'tokyo'].map((u) => ({ type: 'track', userId: u, event: 'Go' })));
    const runs = await settled(j.id, 3);
    const ids = { ny: await pid(ws.id, 'ny'), berlin: await pid(ws.id, 'berlin'), tokyo: await pid(ws.id, 'tokyo') };
    const run = (u: keyof typeof ids) => runs.find((r) => r.profile_id === ids[u])!;
    expect(run('tokyo').status).toBe('completed');
    expect(run('berlin')).toMatchObject({ status: 'waiting' });
    expect(Number(run('berlin').wake_at)).toBe(Date.parse('2026-01-15T07:00:00Z')); // 08:00 in Berlin
    expect(Number(run('ny').wake_at)).toBe(Date.parse('2026-01-15T13:00:00Z')); // 08:00 in New York
    expect((await sinkMessages(app, ws.id)).map((m) => m.profile_id)).toEqual([ids.tokyo]);

    clock.set('2026-01-15T07:00:01Z');
    await rt.reconcile({ graceMs: 0 });
    await until(() => sinkMessages(app, ws.id), (m) => m.length === 2, 15_000, 'Berlin’s message');
    clock.set('2026-01-15T13:00:01Z');
    await rt.reconcile({ graceMs: 0 });
    const msgs = await until(() => sinkMessages(app, ws.id), (m) => m.length === 3, 15_000, 'New York’s message');
    expect(msgs.map((m) => m.profile_id)).toEqual([ids.tokyo, ids.berlin, ids.ny]);
    // The audit row is written once the send returned: it may land just after the sink saw the message.
    const audit = await until(() => auditRows(app, ws.id), (a) => a.length >= 3, 15_000, 'three audit rows');
    expect(audit.map((a) => a.detail.decision.timeZone)).toEqual(['Asia/Tokyo', 'Europe/Berlin', 'America/New_York']);
  });

  it('enforces frequency caps per channel and overall, falling back to the next allowed channel', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const { ws, j } = await setup(
      { caps: [{ channel: 'email', max: 1, periodHours: 24 }], channelOrder: ['email', 'web_push', 'onsite'] },
      { channel: 'email', fallback: true },
      { caps: [{ channel: 'all', max: 2, periodHours: 24 }] },
    );
    await ingestEvents(app, ws.id, [{ type: 'identify', userId: 'cap', traits: { email: 'cap@example.com', web_push: true } }]);
    for (let i = 1; i <= 3; i++) {
      await ingestEvents(app, ws.id, [{ type: 'track', userId: 'cap', event: 'Go' }]);
      await settled(j.id, i);
      clock.advance(60_000);
    }
    expect((await sinkMessages(app, ws.id)).map((m) => m.channel)).toEqual(['email', 'web_push']);
    const audit = await auditRows(app, ws.id);
    expect(audit.map((a) => [a.action, a.rule])).toEqual([
      ['message.sent', null],
      ['message.sent', 'fallback:email:cap:email:1/24h'],
      ['message.skipped', 'cap:email:1/24h'],
    ]);
    expect(JSON.stringify(audit[2]!.detail.decision)).toContain('cap:all:2/24h');
    // A day later the caps have room again.
    clock.advance(25 * 3600_000);
    await ingestEvents(app, ws.id, [{ type: 'track', userId: 'cap', event: 'Go' }]);
    await settled(j.id, 4);
    expect((await sinkMessages(app, ws.id)).map((m) => m.channel)).toEqual(['email', 'web_push', 'email']);
  });

  it('respects consent per channel and subscription group and the suppression list, recording why', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const { ws, j } = await setup({ channelOrder: ['email', 'web_push', 'onsite'] }, { channel: 'email', fallback: true, subscriptionGroup: 'newsletter' });
    await ingestEvents(app, ws.id, [
      { type: 'identify', userId: 'optout', traits: { email: 'optout@example.com', web_push: true } },
      { type: 'identify', userId: 'group-out', traits: { email: 'group@example.com' } },
      { type: 'identify', userId: 'suppressed', traits: { email: 'Bounced@Example.com' } },
      { type: 'identify', userId: 'fine', traits: { email: 'fine@example.com' } },
    ]);
    const db = app.postgres.db;
    await db.insertInto('channel_consents').values({ workspace_id: ws.id, profile_id: await pid(ws.id, 'optout'), channel: 'email', subscription_group: '', granted: false }).execute();
    await db.insertInto('channel_consents').values({ workspace_id: ws.id, profile_id: await pid(ws.id, 'group-out'), channel: 'email', subscription_group: 'newsletter', granted: false }).execute();
    await db.insertInto('channel_suppressions').values({ workspace_id: ws.id, value: 'bounced@example.com', channel: 'email', reason: 'hard bounce' }).execute();
    await ingestEvents(app, ws.id, ['optout', 'group-out', 'suppressed', 'fine'].map((u) => ({ type: 'track', userId: u, event: 'Go' })));
    await settled(j.id, 4);
    const msgs = await sinkMessages(app, ws.id);
    const ids = Object.fromEntries(await Promise.all(['optout', 'group-out', 'suppressed', 'fine'].map(async (u) => [await pid(ws.id, u), u])));
    expect(Object.fromEntries(msgs.map((m) => [ids[m.profile_id], m.channel]))).toEqual({ optout: 'web_push', 'group-out': 'onsite', suppressed: 'onsite', fine: 'email' });
    const rules = Object.fromEntries((await auditRows(app, ws.id)).map((a) => [ids[a.subject], a.rule]));
    expect(rules).toEqual({
      optout: 'fallback:email:consent',
      'group-out': 'fallback:email:consent:newsletter;web_push:unreachable:no_push_subscription',
      suppressed: 'fallback:email:suppressed;web_push:unreachable:no_push_subscription',
      fine: null,
    });
  });

  it('picks the best channel by engagement ratio, else the workspace order', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const { ws, j } = await setup({ channelOrder: ['email', 'web_push', 'onsite'] }, { channel: 'best' });
    await ingestEvents(app, ws.id, [
      { type: 'identify', userId: 'pusher', traits: { email: 'p@example.com', web_push: true } },
      { type: 'identify', userId: 'newbie', traits: { email: 'n@example.com', web_push: true } },
    ]);
    const pusher = await pid(ws.id, 'pusher');
    const newbie = await pid(ws.id, 'newbie');
    const at = (daysAgo: number) => new Date(clock.now() - daysAgo * 86_400_000).toISOString().replace('T', ' ').replace('Z', '');
    const history = [
      ...[1, 2, 3, 4].map((i) => ({ profile_id: pusher, message_id: `e${i}`, channel: 'email', kind: 'sent', at: at(i) })),
      { profile_id: pusher, message_id: 'e1', channel: 'email', kind: 'open', at: at(1) },
      ...[1, 2].flatMap((i) => [
        { profile_id: pusher, message_id: `w${i}`, channel: 'web_push', kind: 'sent', at: at(i) },
        { profile_id: pusher, message_id: `w${i}`, channel: 'web_push', kind: 'click', at: at(i) },
      ]),
      // Too little history (2 messages on one channel): the workspace order decides.
      ...[1, 2].map((i) => ({ profile_id: newbie, message_id: `n${i}`, channel: 'web_push', kind: 'sent', at: at(i) })),
      // Older than 180 days: ignored.
      ...[1, 2, 3].map((i) => ({ profile_id: newbie, message_id: `old${i}`, channel: 'onsite', kind: 'click', at: at(200) })),
    ];
    await app.clickhouse.insert({ table: 'message_events', values: history.map((h) => ({ workspace_id: ws.id, journey_id: '', node_id: '', ...h })), format: 'JSONEachRow' });
    await ingestEvents(app, ws.id, ['pusher', 'newbie'].map((u) => ({ type: 'track', userId: u, event: 'Go' })));
    await settled(j.id, 2);
    const msgs = await sinkMessages(app, ws.id);
    expect(Object.fromEntries(msgs.map((m) => [m.profile_id === pusher ? 'pusher' : 'newbie', m.channel]))).toEqual({ pusher: 'web_push', newbie: 'email' });
    const audit = await auditRows(app, ws.id);
    const pa = audit.find((a) => a.subject === pusher)!;
    expect(pa.rule).toBe('best_channel:engagement');
    expect(pa.detail.decision.ratios).toEqual({ email: 0.25, web_push: 1 });
    expect(audit.find((a) => a.subject === newbie)!.rule).toBe('best_channel:workspace_order');
  });

  it('sends at the best hour in the profile’s time zone, else the workspace’s best hour', async () => {
    clock.set('2026-01-15T12:00:00Z'); // 07:00 in New York
    const { ws, j } = await setup({ bestHour: 10 }, { channel: 'onsite', sendAt: { mode: 'best_time', withinHours: 24 } });
    await ingestEvents(app, ws.id, [
      { type: 'identify', userId: 'evening', traits: { timezone: 'America/New_York' } },
      { type: 'identify', userId: 'unknown', traits: { timezone: 'America/New_York' } },
    ]);
    const evening = await pid(ws.id, 'evening');
    // Opens and clicks at 19:xx New York time (00:xx UTC) on six days.
    const opens = [1, 2, 3, 4, 5, 6].map((d) => ({
      workspace_id: ws.id,
      profile_id: evening,
      message_id: `m${d}`,
      journey_id: '',
      node_id: '',
      channel: 'email',
      kind: 'open',
      at: new Date(Date.parse('2026-01-15T00:20:00Z') - d * 86_400_000).toISOString().replace('T', ' ').replace('Z', ''),
    }));
    await app.clickhouse.insert({ table: 'message_events', values: opens, format: 'JSONEachRow' });
    await ingestEvents(app, ws.id, ['evening', 'unknown'].map((u) => ({ type: 'track', userId: u, event: 'Go' })));
    const runs = await settled(j.id, 2);
    const wakeOf = (p: string) => Number(runs.find((r) => r.profile_id === p)!.wake_at);
    expect(wakeOf(evening)).toBe(Date.parse('2026-01-16T00:00:00Z')); // 19:00 New York
    expect(wakeOf(await pid(ws.id, 'unknown'))).toBe(Date.parse('2026-01-15T15:00:00Z')); // 10:00 New York
    clock.set('2026-01-16T00:00:01Z');
    await rt.reconcile({ graceMs: 0 });
    await until(() => sinkMessages(app, ws.id), (m) => m.length === 2, 15_000, 'both messages');
    const audit = await until(() => auditRows(app, ws.id), (a) => a.some((x) => x.subject === evening), 15_000, 'the deferred send’s audit row');
    expect(audit.find((a) => a.subject === evening)!.detail.decision.timing).toEqual({ mode: 'deferred' });
    await rt.recorder.flush();
    const deferred = await app.clickhouse.query({
      query: `SELECT reason FROM journey_events WHERE workspace_id = {ws:String} AND kind = 'deferred' AND profile_id = {p:String}`,
      query_params: { ws: ws.id, p: evening },
      format: 'JSONEachRow',
    });
    expect(await deferred.json()).toEqual([{ reason: 'best_time:profile_histogram' }]);
  });
});
