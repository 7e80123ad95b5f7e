import type { App } from '../app-handle';
import { startScheduledWorker } from '../stores/scheduled-worker';
import { reweightBandits } from './bandit';

export const banditsQueueName = 'experiment-bandits';

/**
 * Every BANDIT_REWEIGHT_MINUTES a BullMQ job scheduler ticks and the worker re-weights every running
 * bandit. One job per tick and concurrency 1: two ticks never re-weight the same experiment at once.
 */
export function startBanditWorker(app: App): { close(): Promise<void> } {
  return startScheduledWorker({
    redis: app.redis,
    redisUrl: app.config.redisUrl,
    prefix: app.config.queuePrefix,
    log: app.log,
    queueName: banditsQueueName,
    tick: 'reweight-all',
    everyMs: app.config.banditReweightMinutes * 60_000,
    label: 'bandit',
    failedMessage: 'bandit re-weighting failed',
    process: () => reweightBandits(app),
  });
}
