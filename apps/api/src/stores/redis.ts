import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

const unixScheme = /^(redis\+unix|unix):\/\//;

/**
 * What ioredis accepts for a configured URL: `redis://` and `rediss://` as they are; `unix:///path`
 * and `redis+unix:///path` (the socket of the Redis an embedded start launches) become the bare
 * path, which ioredis reads as a unix socket.
 */
export function redisTarget(url: string): string {
  return unixScheme.test(url) ? url.replace(unixScheme, '') : url;
}

export function isUnixRedisUrl(url: string): boolean {
  return unixScheme.test(url);
}

/**
 * A connection for request paths: it never queues commands while disconnected,
 * so a dead Redis shows up as an immediate error (and a 503) rather than a hang.
 */
export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(redisTarget(url), {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...extra,
  });
}

/** BullMQ workers need blocking commands that wait forever. */
export function createWorkerRedis(url: string): Redis {
  return new Redis(redisTarget(url), { maxRetriesPerRequest: null, enableOfflineQueue: true });
}

export async function waitReady(redis: Redis, timeoutMs = 3_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

export async function redisHealth(redis: Redis): Promise<{ ok: boolean; error?: string }> {
  if (redis.status !== 'ready') return { ok: false, error: `connection ${redis.status}` };
  try {
    await redis.ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
