import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepJobId } from '@overture/journeys';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { toLiveEvent } from '../events/queue';
import { testSinkChannels } from '../testing/test-sink-channel';
import { useJourneyRuntime } from './services';
import type { JourneyRuntime } from './runtime';
import { consumeJourneyEvents } from './consumer';
import { saveJourneySettings } from './settings';
import { auditRows, ManualClock, publishedJourney, runsOf, sinkMessages, until } from '../testing/journeys';

// A failing webhook is retried by BullMQ (the step job's attempts and backoff), never by a job sleeping.
describe('webhook retries through the step job (PostgreSQL, Redis)', () => {
  let app: TestApp;
  let rt: JourneyRuntime;
  let server: Server;
  let port = 0;
  const received: string[] = [];
  let failures = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['idempotency-key']));
        if (failures-- > 0) res.writeHead(503).end();
        else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
    app = await createTestApp({ postgres: 'postgres' });
    // A backoff far longer than the test: the test promotes the waiting job itself, so no timing decides anything.
    rt = useJourneyRuntime(app, { channels: testSinkChannels(app.postgres.db), clock: new ManualClock(Date.parse('2026-01-15T12:00:00Z')), retryBackoffMs: 600_000 });
    rt.startWorker({ concurrency: 4 });
  });
  afterAll(async () => {
    await rt?.close();
    await app?.close();
    server?.closeAllConnections();
    server?.close();
  });

  it('fails the attempt, waits out the backoff as a delayed job, and succeeds on a later attempt', async () => {
    failures = 2;
    const ws = await createWorkspace(app.postgres.db, 'webhooks');
    await saveJourneySettings(app.postgres.db, ws.id, { quietHours: null, webhookHosts: [`127.0.0.1:${port}`] }, app.outbound);
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Order Delayed' },
      start: 'hi',
      nodes: [
        { id: 'hi', type: 'message', channel: 'onsite', template: 'sorry', next: 'hook' },
        { id: 'hook', type: 'webhook', url: `http://127.0.0.1:${port}/delays`, retries: 3, timeoutMs: 2000, next: null },
      ],
    });
    const event = toLiveEvent(normalizeEvent({ messageId: randomUUID(), type: 'track', userId: 'late', event: 'Order Delayed' } as IncomingEvent, { workspaceId: ws.id, receivedAt: Date.now() }));
    await consumeJourneyEvents(rt, app.postgres.db, [event]);

    const delayedAfter = async (calls: number) => {
      await until(async () => received.length, (n) => n === calls, 15_000, `${calls} webhook calls`);
      const [run] = await runsOf(app, j.id);
      const job = await until(
        async () => rt.queue.getJob(stepJobId(run!.id, run!.step)),
        (x) => x !== undefined && x.attemptsMade === calls,
        15_000,
        `attempt ${calls} recorded`,
      );
      // The job waits in Redis, not in a worker: nothing is active while it backs off.
      expect(await job!.getState()).toBe('delayed');
      expect(await rt.queue.getActiveCount()).toBe(0);
      expect(job!.opts).toMatchObject({ attempts: 4, backoff: { type: 'exponential', delay: 600_000 } });
      return job!;
    };
    const first = await delayedAfter(1);
    // The reconciler leaves a job in backoff alone.
    expect((await rt.reconcile({ graceMs: 0 })).promoted).toBe(0);
    expect(await first.getState()).toBe('delayed');
    await first.promote();
    const second = await delayedAfter(2);
    await second.promote();

    await until(() => runsOf(app, j.id), (r) => r[0]?.status === 'completed', 15_000, 'the run to complete');
    expect(received).toHaveLength(3);
    expect(new Set(received).size).toBe(1);
    const audit = (await auditRows(app, ws.id)).filter((a) => a.action === 'webhook.called');
    expect(audit.map((a) => a.detail.outcome)).toEqual([{ status: 'ok', httpStatus: 200, attempts: 3 }]);
    // The message before the webhook went once, whatever the webhook's retries.
    expect((await sinkMessages(app, ws.id)).map((m) => [m.template, m.deliveries])).toEqual([['sorry', 1]]);
  });

  it('records the failure on the last attempt and moves on', async () => {
    received.length = 0;
    failures = 100;
    const ws = await createWorkspace(app.postgres.db, 'webhooks');
    await saveJourneySettings(app.postgres.db, ws.id, { quietHours: null, webhookHosts: [`127.0.0.1:${port}`] }, app.outbound);
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Order Delayed' },
      start: 'hook',
      nodes: [{ id: 'hook', type: 'webhook', url: `http://127.0.0.1:${port}/delays`, retries: 1, timeoutMs: 2000, next: null }],
    });
    const event = toLiveEvent(normalizeEvent({ messageId: randomUUID(), type: 'track', userId: 'late', event: 'Order Delayed' } as IncomingEvent, { workspaceId: ws.id, receivedAt: Date.now() }));
    await consumeJourneyEvents(rt, app.postgres.db, [event]);
    await until(async () => received.length, (n) => n === 1, 15_000, 'the first call');
    const [run] = await runsOf(app, j.id);
    const job = await until(async () => rt.queue.getJob(stepJobId(run!.id, run!.step)), (x) => x?.attemptsMade === 1, 15_000, 'the first attempt');
    await job!.promote();
    await until(() => runsOf(app, j.id), (r) => r[0]?.status === 'completed', 15_000, 'the run to complete');
    expect(received).toHaveLength(2);
    const audit = (await auditRows(app, ws.id)).filter((a) => a.action === 'webhook.called');
    expect(audit.map((a) => [a.rule, a.detail.outcome])).toEqual([['webhook_failed', { status: 'failed', httpStatus: 503, attempts: 2 }]]);
  });
});
