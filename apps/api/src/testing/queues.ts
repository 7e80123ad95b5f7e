import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface UntilQueuesEmptyOptions {
  pollMs?: number;
  /** Gives up (throws) after this long; unbounded when absent. */
  timeoutMs?: number;
  /** Told each poll's counts per queue (debugging a wait that does not end). */
  log?: (line: string) => void;
}

/**
 * Waits until no BullMQ queue under `prefix` holds work (waiting, active, delayed, prioritized or
 * waiting-children jobs, not counting the next runs job schedulers keep delayed) twice in a row;
 * returns the seconds it took. The queues are those that exist when it starts.
 */
export async function untilQueuesEmpty(redis: Redis, prefix: string, options: UntilQueuesEmptyOptions = {}): Promise<number> {
  const { pollMs = 100, timeoutMs, log } = options;
  const started = performance.now();
  // One connection for the queues, closed here: a queue leaves a connection it was given open.
  const connection = redis.duplicate();
  const queues = (await redis.keys(`${prefix}:*:meta`)).map((k) => {
    const parts = k.split(':');
    return new Queue(parts.at(-2)!, { connection, prefix: parts.slice(0, -2).join(':') });
  });
  try {
    let quiet = 0;
    while (quiet < 2) {
      if (timeoutMs !== undefined && performance.now() - started > timeoutMs) throw new Error(`queues under ${prefix} still hold work after ${timeoutMs} ms`);
      const counts = await Promise.all(
        queues.map(async (q) => {
          const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
          return { ...c, delayed: (c.delayed ?? 0) - (await q.getJobSchedulersCount()) };
        }),
      );
      quiet = counts.every((c) => Object.values(c).every((n) => n === 0)) ? quiet + 1 : 0;
      log?.(queues.map((q, i) => `${q.name} ${JSON.stringify(counts[i])}`).join('\n'));
      await sleep(pollMs);
    }
    return (performance.now() - started) / 1000;
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  }
}
