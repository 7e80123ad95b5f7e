import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * Jobs still to run in every BullMQ queue under `prefix` (waiting, active, delayed, prioritized), not
 * counting the next runs that job schedulers keep delayed: the real-time work a burst left behind.
 */
export async function queueBacklog(redis: Redis, prefix: string): Promise<number> {
  const metas = await redis.keys(`${prefix}:*:meta`);
  let total = 0;
  for (const key of metas) {
    const parts = key.split(':');
    const queue = new Queue(parts.at(-2)!, { connection: redis, prefix: parts.slice(0, -2).join(':') });
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    total += Object.values(c).reduce((s, n) => s + n, 0) - (await queue.getJobSchedulersCount());
  }
  return total;
}

/** Waits until the queues under `prefix` are empty twice in a row; the seconds it took. */
export async function waitForEmptyQueues(redisUrl: string, prefix: string, timeoutMs = 600_000): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const started = performance.now();
  try {
    let empty = 0;
    while (empty < 2) {
      if (performance.now() - started > timeoutMs) throw new Error(`queues under ${prefix} still busy after ${timeoutMs} ms`);
      empty = (await queueBacklog(redis, prefix)) === 0 ? empty + 1 : 0;
      await new Promise((r) => setTimeout(r, 200));
    }
    return (performance.now() - started) / 1000;
  } finally {
    redis.disconnect();
  }
}
