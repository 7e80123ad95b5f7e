import { Queue, Worker } from 'bullmq';
import type { App } from '../app';
import { createWorkerRedis } from '../stores/redis';
import { buildModel } from './build';
import { forgetModel } from './model';
import { allWorkspaceIds } from '../workspaces';

export const recommendationsQueueName = 'recommendations';

interface RebuildJob {
  /** One workspace, or every workspace when absent (the scheduled tick). */
  workspaceId?: string;
}

/** Rebuilds one workspace's live model and drops this process's copy (other processes re-check within 30 s). */
export async function refreshRecommendations(app: App, workspaceId: string): Promise<{ ms: number }> {
  const built = await buildModel(app, workspaceId);
  forgetModel(app, workspaceId);
  return { ms: built.ms };
}

/**
 * Every RECS_REFRESH_MINUTES a BullMQ job scheduler ticks, and the tick fans out one rebuild per
 * workspace with an id per time slot, so overlapping ticks never build a workspace twice at once.
 */
export function startRecommendationsWorker(app: App): { close(): Promise<void> } {
  const everyMs = app.config.recsRefreshMinutes * 60_000;
  const connection = createWorkerRedis(app.config.redisUrl);
  connection.on('error', () => undefined);
  const queue = new Queue<RebuildJob>(recommendationsQueueName, { connection: app.redis, prefix: app.config.queuePrefix, skipWaitingForReady: true });
  queue.on('error', () => undefined);
  void queue
    .upsertJobScheduler('rebuild-all', { every: everyMs }, { name: 'rebuild-all', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } })
    .catch((err: Error) => app.log.warn('recommendations scheduler not registered', { error: err.message }));
  const worker = new Worker<RebuildJob>(
    recommendationsQueueName,
    async (job) => {
      if (job.data.workspaceId) return refreshRecommendations(app, job.data.workspaceId);
      const workspaces = (await allWorkspaceIds(app.postgres.db)).map((id) => ({ id }));
      const slot = Math.floor(Date.now() / everyMs);
      await queue.addBulk(
        workspaces.map((w) => ({ name: 'rebuild', data: { workspaceId: w.id }, opts: { jobId: `rebuild-${w.id}-${slot}`, removeOnComplete: true, removeOnFail: 100 } })),
      );
      return { workspaces: workspaces.length };
    },
    { connection, prefix: app.config.queuePrefix, concurrency: 1 },
  );
  worker.on('error', (err) => app.log.warn('recommendations worker error', { error: err.message }));
  worker.on('failed', (job, err) => app.log.warn('recommendations rebuild failed', { id: job?.id, error: err.message }));
  return {
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
