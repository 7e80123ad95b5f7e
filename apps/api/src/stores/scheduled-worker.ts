import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from '../logger';
import { createWorkerRedis, type Redis } from './redis';

export interface ScheduledWorkerOptions<T> {
  redis: Redis;
  redisUrl: string;
  prefix: string;
  log: Logger;
  queueName: string;
  /** The job scheduler's id, also the name of the job each tick adds (with empty data). */
  tick: string;
  everyMs: number;
  /** The first tick; the scheduler's default (at once) when absent. */
  startDate?: number;
  /** Names the work in log lines: `<label> scheduler not registered`, `<label> worker error`. */
  label: string;
  failedMessage: string;
  process: (job: Job<T>, queue: Queue<T, unknown, string, T, unknown, string>) => Promise<unknown>;
}

/**
 * A BullMQ job scheduler and the one worker that runs its ticks (concurrency 1), on a queue the
 * ticks may also fan out into. The scheduler is shared by every worker process, so a tick runs once
 * whatever their number.
 */
export function startScheduledWorker<T>(o: ScheduledWorkerOptions<T>): { close(): Promise<void> } {
  const connection = createWorkerRedis(o.redisUrl);
  connection.on('error', () => undefined);
  const queue = new Queue<T, unknown, string, T, unknown, string>(o.queueName, { connection: o.redis, prefix: o.prefix, skipWaitingForReady: true });
  queue.on('error', () => undefined);
  const schedule = o.startDate === undefined ? { every: o.everyMs } : { every: o.everyMs, startDate: o.startDate };
  void queue
    .upsertJobScheduler(o.tick, schedule, { name: o.tick, data: {} as T, opts: { removeOnComplete: true, removeOnFail: 100 } })
    .catch((err: Error) => o.log.warn(`${o.label} scheduler not registered`, { error: err.message }));
  const worker = new Worker<T>(o.queueName, (job) => o.process(job, queue), { connection, prefix: o.prefix, concurrency: 1 });
  worker.on('error', (err) => o.log.warn(`${o.label} worker error`, { error: err.message }));
  worker.on('failed', (job, err) => o.log.warn(o.failedMessage, { id: job?.id, error: err.message }));
  return {
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
