import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventRow } from './row';
import { toLiveEvent } from './live-event';
import type { EventBatchStore } from './batch-store';

export const eventsQueueName = 'events';

export type { LiveEvent } from './live-event';
export { toLiveEvent } from './live-event';

/** A committed batch for real-time processing: its events wait in the batch store under this id. */
export interface EventsJob {
  batch: string;
}

export function createEventsQueue(connection: Redis, prefix: string): Queue<EventsJob> {
  return new Queue<EventsJob>(eventsQueueName, {
    connection,
    prefix,
    skipWaitingForReady: true,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 500 } },
  });
}

/**
 * One job per group commit, naming the batch stored once for every step that reads it (its id is
 * the job's, so the job is added once); bots are left out of real-time processing.
 */
export async function publishEvents(queue: Queue<EventsJob>, batches: EventBatchStore, rows: EventRow[]): Promise<void> {
  const events = rows.filter((r) => r.is_bot === 0).map(toLiveEvent);
  if (events.length === 0) return;
  const batch = await batches.save(events);
  await queue.add('batch', { batch }, { jobId: batch });
}
