import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Queue, Worker } from 'bullmq';
import { reconcile, systemClock, type Channel, type ChannelName, type Clock, type EngineDeps, type MessageVariants, type ReconcileReport, type SplitDecisions } from '@overture/journeys';
import { BullmqStepScheduler, createStepsQueue, startStepWorker, type StepJob } from '@overture/journeys/bullmq';
import type { Database } from '../stores/postgres';
import { createWorkerRedis } from '../stores/redis';
import type { ClickHouseClient } from '../stores/clickhouse';
import type { Logger } from '../logger';
import { OutboundGuard } from '../stores/outbound';
import { PostgresRunStore } from './run-store';
import { StoreGuardrails } from './guardrails';
import { StoreRecorder } from './recorder';
import { SignedWebhookCaller } from './webhook';
import { webhookHostsOf } from './settings';
import { topics, type InvalidationBus } from '../stores/invalidation';
import type { ProfileDirectory } from './profiles';

export interface JourneyRuntimeOptions {
  db: Kysely<Database>;
  /** Absent in processes without ClickHouse (crash-test workers): no engagement history, no step counters. */
  clickhouse: ClickHouseClient | null;
  /** Connection for adding jobs. */
  redis: Redis;
  /** URL for the blocking connections of step workers. */
  redisUrl: string;
  prefix: string;
  appSecret: string;
  profiles: ProfileDirectory;
  channels: Partial<Record<ChannelName, Channel>>;
  clock?: Clock;
  /** First retry delay of a step job that has its own attempts (a webhook's retries); doubles each time. */
  retryBackoffMs?: number;
  log?: Logger | null;
  /** Drops cached journey statuses when any process changes one. */
  invalidation?: InvalidationBus;
  /** The app's outbound guard (its operator allow-list); without it no internal host is called. */
  outbound?: OutboundGuard;
  /** Winners picked on split experiments; without it splits always assign by hash. */
  splits?: SplitDecisions;
  /** Templates' variants; without it messages are sent without variants. */
  variants?: MessageVariants;
  /** Told the nodes each step executed, in a worker or where a run entered (the bench counts them). */
  onNodes?: (nodes: number) => void;
}

export interface JourneyRuntime {
  deps: EngineDeps;
  store: PostgresRunStore;
  profiles: ProfileDirectory;
  scheduler: BullmqStepScheduler;
  queue: Queue<StepJob>;
  recorder: StoreRecorder;
  clock: Clock;
  startWorker(options?: { concurrency?: number; lockDurationMs?: number }): Worker<StepJob>;
  reconcile(options?: { graceMs?: number; limit?: number }): Promise<ReconcileReport>;
  close(): Promise<void>;
}

export function createJourneyRuntime(o: JourneyRuntimeOptions): JourneyRuntime {
  const clock = o.clock ?? systemClock;
  const store = new PostgresRunStore(o.db, clock);
  const guardrails = new StoreGuardrails(o.db, o.clickhouse, clock);
  const unsubscribers = [
    o.invalidation?.subscribe(topics.journeyStatus, (journeyId) => store.forgetStatus(journeyId)),
    o.invalidation?.subscribe(topics.journeySettings, (workspaceId) => guardrails.forgetSettings(workspaceId)),
  ];
  const recorder = new StoreRecorder(o.db, o.clickhouse, o.log ?? null);
  const queue = createStepsQueue(o.redis, o.prefix);
  queue.on('error', () => undefined);
  const scheduler = new BullmqStepScheduler(queue, clock, o.retryBackoffMs);
  const deps: EngineDeps = {
    clock,
    runs: store,
    profiles: o.profiles,
    guardrails,
    channels: o.channels,
    ledger: store,
    recorder,
    traits: o.profiles,
    webhooks: new SignedWebhookCaller({ appSecret: o.appSecret, allowedHosts: (ws) => webhookHostsOf(o.db, ws), outbound: o.outbound ?? new OutboundGuard(), clock }),
    ...(o.splits ? { splits: o.splits } : {}),
    ...(o.variants ? { variants: o.variants } : {}),
    ...(o.onNodes ? { onNodes: o.onNodes } : {}),
  };
  const workers: Array<{ worker: Worker<StepJob>; connection: Redis }> = [];
  return {
    deps,
    store,
    profiles: o.profiles,
    scheduler,
    queue,
    recorder,
    clock,
    startWorker(options = {}) {
      const connection = createWorkerRedis(o.redisUrl);
      connection.on('error', () => undefined);
      const worker = startStepWorker(deps, scheduler, { connection, prefix: o.prefix, ...options });
      worker.on('failed', (job, err) => o.log?.warn('journey step failed', { id: job?.id, error: err.message }));
      workers.push({ worker, connection });
      return worker;
    },
    reconcile: (options = {}) => reconcile(store, scheduler, clock.now(), { graceMs: 30_000, ...options }),
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe?.();
      for (const w of workers.splice(0)) {
        await w.worker.close();
        w.connection.disconnect();
      }
      await recorder.flush();
      await queue.close().catch(() => undefined);
    },
  };
}
