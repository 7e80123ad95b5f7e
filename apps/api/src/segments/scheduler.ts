import { Queue, Worker } from 'bullmq';
import type { App } from '../app';
import { createWorkerRedis } from '../stores/redis';
import { recomputeWorkspace } from './recompute';
import { allWorkspaceIds } from '../workspaces';

export const profilesQueueName = 'profiles';
/** How often every workspace's features, RFM and segments are recomputed in full. */
export const recomputeEveryMs = 15 * 60_000;

interface RecomputeJob {
  /** One workspace, or every workspace when absent (the scheduled tick). */
  workspaceId?: string;
}

/**
 * The periodic full recompute: a BullMQ job scheduler ticks, and each tick fans out one job per
 * workspace with a deterministic id, so overlapping ticks never run a workspace twice at once.
 */
export function startProfilesWorker(app: App): { close(): Promise<void> } {
  const connection = createWorkerRedis(app.config.redisUrl);
  connection.on('error', () => undefined);
  const queue = new Queue<RecomputeJob>(profilesQueueName, { connection: app.redis, prefix: app.config.queuePrefix, skipWaitingForReady: true });
  queue.on('error', () => undefined);
  void queue
    .upsertJobScheduler('recompute-all', { every: recomputeEveryMs, startDate: Date.now() + recomputeEveryMs }, { name: 'recompute-all', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } })
    .catch((err: Error) => app.log.warn('profiles scheduler not registered', { error: err.message }));
  const worker = new Worker<RecomputeJob>(
    profilesQueueName,
    async (job) => {
      if (job.data.workspaceId) return recomputeWorkspace(app, job.data.workspaceId);
      const workspaces = await allWorkspaceIds(app.postgres.db);
      const slot = Math.floor(Date.now() / recomputeEveryMs);
      await queue.addBulk(
        workspaces.map((id) => ({
          name: 'recompute',
          data: { workspaceId: id },
          opts: { jobId: `recompute-${id}-${slot}`, removeOnComplete: true, removeOnFail: 100 },
        })),
      );
      return { workspaces: workspaces.length };
    },
    { connection, prefix: app.config.queuePrefix, concurrency: 1 },
  );
  worker.on('error', (err) => app.log.warn('profiles worker error', { error: err.message }));
  worker.on('failed', (job, err) => app.log.warn('profiles job failed', { id: job?.id, error: err.message }));
  return {
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
