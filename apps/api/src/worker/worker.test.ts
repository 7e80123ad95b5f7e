import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { normalizeEvent, type EventRow } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import type { LiveEvent } from '../events/queue';
import { recomputeFeatures } from '../profiles/features';
import { resolveProfileId } from '../profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { testSinkChannels } from '../testing/test-sink-channel';
import { useJourneyRuntime } from '../journeys/services';
import { ManualClock, publishedJourney, runsOf, until } from '../testing/journeys';
import { eventConsumers, type EventConsumer } from './event-consumers';
import { eventStepsQueueName, type EventStepJob } from './event-steps';
import { startWorker, type RunningWorker } from './worker';
import { EventBatchStore } from '../events/batch-store';

// The real worker on real stores: one committed batch holding several tenants' events.
describe('the events worker isolates failures per workspace, consumer and event', () => {
  let app: TestApp;
  let worker: RunningWorker | null = null;
  let steps: Queue<EventStepJob>;

  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres' });
    useJourneyRuntime(app, { channels: testSinkChannels(app.postgres.db), clock: new ManualClock(Date.parse('2026-01-15T12:00:00Z')) });
    steps = new Queue<EventStepJob>(eventStepsQueueName, { connection: app.redis, prefix: app.queuePrefix });
  });
  afterEach(async () => {
    await worker?.close();
    worker = null;
  });
  afterAll(async () => {
    await steps?.close();
    await app?.close();
  });

  const row = (workspaceId: string, e: Record<string, unknown>): EventRow => normalizeEvent({ messageId: randomUUID(), ...e } as IncomingEvent, { workspaceId, receivedAt: Date.now() });

  /** Tenant B: an every-time journey, and 20 shoppers whose events trigger it. */
  async function tenantB() {
    const ws = await createWorkspace(app.postgres.db, 'tenant-b');
    const j = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Cart Abandoned' }, entry: { frequency: 'every_time' }, start: 'out', nodes: [{ id: 'out', type: 'exit' }] });
    const rows = Array.from({ length: 20 }, (_, i) => row(ws.id, { type: 'track', userId: `shopper-${i}`, event: 'Cart Abandoned' }));
    return { ws, j, rows };
  }

  it('an event dated 1969 in workspace A neither fails A’s recompute nor loses any of B’s 20 journey triggers in the same job', async () => {
    const a = await createWorkspace(app.postgres.db, 'tenant-a');
    const b = await tenantB();
    // Stored before ingestion and the store bounded times: written straight into the table, past both.
    const poison = { ...row(a.id, { type: 'track', userId: 'old-timer', event: 'Order Completed', properties: { revenue: 5 } }), timestamp: '1969-12-31 23:59:59.000' };
    await app.clickhouse.insert({ table: 'events', values: [poison], format: 'JSONEachRow' });
    const good = row(a.id, { type: 'track', userId: 'old-timer', event: 'Order Completed', properties: { revenue: 7 } });
    worker = startWorker(app);
    // A's real-time refresh in this job reads the poison row back from the table.
    await app.writer.write([good, ...b.rows]);

    const runs = await until(() => runsOf(app, b.j.id), (r) => r.length === 20, 20_000, 'tenant B’s 20 entries');
    expect(new Set(runs.map((r) => r.profile_id)).size).toBe(20);
    // A's real-time refresh ran: the profile has features, from the events that have a usable time.
    const pid = await resolveProfileId(app, a.id, { userId: 'old-timer' });
    const features = await until(
      () => selectRows<{ orders: number; revenue: number }>(app.clickhouse, `SELECT orders, revenue FROM profile_features FINAL WHERE workspace_id = {ws:String} AND profile_id = {p:String}`, { ws: a.id, p: pid }),
      (r) => r.length === 1,
      20_000,
      'A’s features',
    );
    expect(features[0]).toMatchObject({ orders: 1, revenue: 7 });
    await expect(recomputeFeatures(app, a.id)).resolves.toBeDefined();
  });

  it('retries a workspace whose step fails on its own, while the other workspaces’ steps of the job complete', async () => {
    const a = await createWorkspace(app.postgres.db, 'tenant-a');
    const b = await tenantB();
    const failingForA: EventConsumer = async (app_, events) => {
      if (events.some((e) => e.workspaceId === a.id)) throw new Error('profiles of A are broken');
      await eventConsumers[0]!.consume(app_, events);
    };
    worker = startWorker(app, [{ name: 'profiles', consume: failingForA }, eventConsumers[1]!], { attempts: 50, backoffMs: 50 });
    await app.writer.write([row(a.id, { type: 'track', userId: 'a1', event: 'Cart Abandoned' }), ...b.rows]);

    await until(() => runsOf(app, b.j.id), (r) => r.length === 20, 20_000, 'tenant B’s 20 entries');
    const failing = await until(
      async () => (await steps.getJobs(['delayed', 'wait', 'active', 'failed'])).filter((j) => j?.data.workspaceId === a.id && j.data.consumer === 'profiles'),
      (jobs) => jobs.some((j) => j.attemptsMade >= 2),
      20_000,
      'A’s step retried',
    );
    expect(failing).toHaveLength(1);
  });

  it('on the last attempt splits a failing step into one job per event: the bad event is kept as failed, the good ones go on', async () => {
    const ws = await createWorkspace(app.postgres.db, 'tenant-c');
    const j = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Cart Abandoned' }, entry: { frequency: 'every_time' }, start: 'out', nodes: [{ id: 'out', type: 'exit' }] });
    const bad = row(ws.id, { type: 'track', userId: 'bad', event: 'Cart Abandoned' });
    const rows = [bad, ...['g1', 'g2', 'g3'].map((u) => row(ws.id, { type: 'track', userId: u, event: 'Cart Abandoned' }))];
    const failsOnBad: EventConsumer = async (app_, events: LiveEvent[]) => {
      if (events.some((e) => e.messageId === bad.message_id)) throw new Error('this event cannot be processed');
      await eventConsumers[1]!.consume(app_, events);
    };
    worker = startWorker(app, [{ name: 'journeys', consume: failsOnBad }], { attempts: 2, backoffMs: 20 });
    await app.writer.write(rows);

    const runs = await until(() => runsOf(app, j.id), (r) => r.length === 3, 20_000, 'the good events’ entries');
    const good = await Promise.all(['g1', 'g2', 'g3'].map((u) => resolveProfileId(app, ws.id, { userId: u })));
    expect(runs.map((r) => r.profile_id).sort()).toEqual(good.sort());
    const dead = await until(
      async () => (await steps.getJobs(['failed'])).filter((x) => x?.data.workspaceId === ws.id),
      (x) => x.length === 1,
      20_000,
      'the dead-lettered event',
    );
    const deadData = dead[0]!.data;
    expect('events' in deadData ? deadData.events.map((e) => e.messageId) : deadData).toEqual([bad.message_id]);
    expect(dead[0]!.attemptsMade).toBe(2);
  });

  it('a step retried after the batch’s other steps finished still gets its events; the batch is deleted once every step is done', async () => {
    const ws = await createWorkspace(app.postgres.db, 'tenant-d');
    const rows = ['d1', 'd2', 'd3'].map((u) => row(ws.id, { type: 'track', userId: u, event: u === 'd2' ? 'Product Viewed' : 'Signed Up' }));
    const seen: Record<string, string[][]> = { first: [], flaky: [] };
    let failures = 0;
    const consumers = [
      { name: 'first', consume: async (_: unknown, events: LiveEvent[]) => void seen.first!.push(events.map((e) => e.messageId)) },
      {
        name: 'flaky',
        accepts: (e: LiveEvent) => e.event === 'Product Viewed',
        consume: async (_: unknown, events: LiveEvent[]) => {
          if (++failures <= 2) throw new Error('not yet');
          seen.flaky!.push(events.map((e) => e.messageId));
        },
      },
    ];
    const batchKeys = async () => (await app.redis.keys(`${app.queuePrefix}:event-batch:*`)).filter((k) => !k.endsWith(':left'));
    const before = new Set(await batchKeys());
    await app.writer.write(rows);
    const [key] = await until(async () => (await batchKeys()).filter((k) => !before.has(k)), (k) => k.length === 1, 20_000, 'the stored batch');
    // Nothing in memory: the worker reads the batch from Redis, as one in another process does.
    const fromRedis = new EventBatchStore(app.redis, app.queuePrefix, { ttlSeconds: app.config.eventBatchTtlSeconds, memoryEvents: 0 });
    worker = startWorker({ ...app, eventBatches: fromRedis }, consumers, { attempts: 5, backoffMs: 100 });

    await until(async () => seen.flaky!.length, (n) => n === 1, 20_000, 'the flaky step’s success');
    expect(failures).toBe(3);
    expect(seen.first).toEqual([rows.map((r) => r.message_id)]);
    expect(seen.flaky).toEqual([[rows[1]!.message_id]]);
    await until(() => app.redis.exists(key!, `${key}:left`), (n) => n === 0, 20_000, 'the batch deleted');
  });
});
