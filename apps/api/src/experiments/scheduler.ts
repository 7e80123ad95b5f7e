import { Queue, Worker } from 'bullmq';
import type { App } from '../app';
import { createWorkerRedis } from '../stores/redis';
import { reweightBandits } from './bandit';

export const banditsQueueName = 'experiment-bandits';

/**
 * Every BANDIT_REWEIGHT_MINUTES a BullMQ job scheduler ticks and the worker re-weights every running
 * bandit. One job per tick and concurrency 1: two ticks never re-weight the same experiment at once.
 */
export function startBanditWorker(app: App): { close(): Promise<void> } {
  const everyMs = app.config.banditReweightMinutes * 60_000;
  const connection = createWorkerRedis(app.config.redisUrl);
  connection.on('error', () => undefined);
  const queue = new Queue(banditsQueueName, { connection: app.redis, prefix: app.config.queuePrefix, skipWaitingForReady: true });
  queue.on('error', () => undefined);
  void queue
    .upsertJobScheduler('reweight-all', { every: everyMs }, { name: 'reweight-all', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } })
    .catch((err: Error) => app.log.warn('bandit scheduler not registered', { error: err.message }));
  const worker = new Worker(banditsQueueName, () => reweightBandits(app), { connection, prefix: app.config.queuePrefix, concurrency: 1 });
  worker.on('error', (err) => app.log.warn('bandit worker error', { error: err.message }));
  worker.on('failed', (job, err) => app.log.warn('bandit re-weighting failed', { id: job?.id, error: err.message }));
  return {
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
