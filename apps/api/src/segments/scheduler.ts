import type { App } from '../app-handle';
import { startScheduledWorker } from '../stores/scheduled-worker';
import { recomputeWorkspace } from './recompute';
import { allWorkspaceIds } from '../workspaces';

export const profilesQueueName = 'profiles';
/** How often every workspace's features (incremental; in full once a day), RFM and segments are refreshed. */
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
  return startScheduledWorker<RecomputeJob>({
    redis: app.redis,
    redisUrl: app.config.redisUrl,
    prefix: app.config.queuePrefix,
    log: app.log,
    queueName: profilesQueueName,
    tick: 'recompute-all',
    everyMs: recomputeEveryMs,
    startDate: Date.now() + recomputeEveryMs,
    label: 'profiles',
    failedMessage: 'profiles job failed',
    process: async (job, queue) => {
      if (job.data.workspaceId) return recomputeWorkspace(app, job.data.workspaceId, 'scheduled');
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
  });
}
