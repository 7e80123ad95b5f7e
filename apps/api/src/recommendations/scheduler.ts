import type { App } from '../app-handle';
import { startScheduledWorker } from '../stores/scheduled-worker';
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
  return startScheduledWorker<RebuildJob>({
    redis: app.redis,
    redisUrl: app.config.redisUrl,
    prefix: app.config.queuePrefix,
    log: app.log,
    queueName: recommendationsQueueName,
    tick: 'rebuild-all',
    everyMs,
    label: 'recommendations',
    failedMessage: 'recommendations rebuild failed',
    process: async (job, queue) => {
      if (job.data.workspaceId) return refreshRecommendations(app, job.data.workspaceId);
      const workspaces = (await allWorkspaceIds(app.postgres.db)).map((id) => ({ id }));
      const slot = Math.floor(Date.now() / everyMs);
      await queue.addBulk(
        workspaces.map((w) => ({ name: 'rebuild', data: { workspaceId: w.id }, opts: { jobId: `rebuild-${w.id}-${slot}`, removeOnComplete: true, removeOnFail: 100 } })),
      );
      return { workspaces: workspaces.length };
    },
  });
}
