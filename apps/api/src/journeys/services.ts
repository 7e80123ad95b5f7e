import { Queue, Worker } from 'bullmq';
import type { Clock, SplitDecisions } from '@overture/journeys';
import type { App } from '../app-handle';
import type { LiveEvent } from '../events/queue';
import { createWorkerRedis } from '../stores/redis';
import { isInSegment, profileSummaries, resolveProfileId, resolveProfileIds } from '../profiles';
import { createJourneyRuntime, type JourneyRuntime } from './runtime';
import { appProfiles } from './profiles';
import { channelsFor } from './senders';
import { consumeJourneyEvents } from './consumer';
import { runScheduledTriggers } from './scheduled';
import { messageVariants } from '../templates';

declare module '../app-handle' {
  interface Services {
    /**
     * The journey runtime, made on first use (its channels and profiles take the App handle itself),
     * and the split decisions the worker wires in from experiments. Built empty in `createServices`.
     */
    journeys: { runtime: JourneyRuntime | null; splits: SplitDecisions | null };
  }
}

/**
 * Where split nodes learn of a picked winner: set by the edge that starts journeys (the worker) from
 * the experiments domain, so journeys never import experiments (which read journeys).
 */
export function decideSplitsWith(app: App, decisions: SplitDecisions): void {
  app.services.journeys.splits = decisions;
  const rt = app.services.journeys.runtime;
  if (rt) rt.deps.splits = decisions;
}

type RuntimeOverrides = { channels?: JourneyRuntime['deps']['channels']; clock?: Clock; retryBackoffMs?: number };

function runtimeFor(app: App, overrides: RuntimeOverrides = {}): JourneyRuntime {
  return createJourneyRuntime({
    db: app.postgres.db,
    clickhouse: app.clickhouse,
    redis: app.redis,
    redisUrl: app.config.redisUrl,
    prefix: app.config.queuePrefix,
    appSecret: app.config.secret,
    profiles: appProfiles(app, { resolveProfileId, resolveProfileIds, profileSummaries, isInSegment }),
    channels: overrides.channels ?? channelsFor(app),
    log: app.log,
    invalidation: app.invalidation,
    outbound: app.outbound,
    variants: messageVariants(app),
    ...(app.services.journeys.splits ? { splits: app.services.journeys.splits } : {}),
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(overrides.retryBackoffMs ? { retryBackoffMs: overrides.retryBackoffMs } : {}),
  });
}

/** The app's journey runtime, created on first use with the real channel senders and the system clock. */
export function journeyRuntimeOf(app: App): JourneyRuntime {
  return (app.services.journeys.runtime ??= runtimeFor(app));
}

/** Tests (and embedders) choose channels, the clock and the retry backoff by installing their own runtime. */
export function useJourneyRuntime(app: App, overrides: RuntimeOverrides = {}): JourneyRuntime {
  const existing = app.services.journeys.runtime;
  if (existing) void existing.close();
  const rt = runtimeFor(app, overrides);
  app.services.journeys.runtime = rt;
  return rt;
}

export function consumeEventsForJourneys(app: App, events: LiveEvent[]): Promise<void> {
  return consumeJourneyEvents(journeyRuntimeOf(app), app.postgres.db, events);
}

const maintenanceQueueName = 'journey-maintenance';

/**
 * The worker side of journeys: step processing, and every minute (a BullMQ job scheduler, so one
 * run per minute across all workers) the reconciler and the time-driven triggers.
 */
export function startJourneyServices(app: App): { close(): Promise<void> } {
  const rt = journeyRuntimeOf(app);
  rt.startWorker();
  const queue = new Queue(maintenanceQueueName, { connection: app.redis, prefix: app.config.queuePrefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: 100 } });
  queue.on('error', () => undefined);
  void queue.upsertJobScheduler('journeys-every-minute', { every: 60_000 }, { name: 'maintenance' }).catch((err: unknown) => app.log.warn('journey maintenance not scheduled', { error: (err as Error).message }));
  const connection = createWorkerRedis(app.config.redisUrl);
  connection.on('error', () => undefined);
  const worker = new Worker(
    maintenanceQueueName,
    async () => {
      await rt.reconcile();
      await runScheduledTriggers(rt, app.postgres.db);
    },
    { connection, prefix: app.config.queuePrefix, concurrency: 1 },
  );
  worker.on('error', () => undefined);
  worker.on('failed', (_job, err) => app.log.warn('journey maintenance failed', { error: err.message }));
  return {
    async close() {
      await worker.close();
      connection.disconnect();
      await queue.close().catch(() => undefined);
      await rt.close();
      app.services.journeys.runtime = null;
    },
  };
}
