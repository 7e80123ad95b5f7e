import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1_000, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export class RedisUnavailableError extends Error {}

/**
 * When nothing answers at a local REDIS_URL, start `redis-server` from PATH with its data under the
 * data dir, so the embedded start needs no install beyond Redis itself.
 */
export async function ensureRedis(url: string, dataDir: string): Promise<ChildProcess | null> {
  if (await answers(url)) return null;
  const parsed = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(parsed.hostname);
  if (!local) throw new RedisUnavailableError(`Redis at ${url} does not answer; start it or fix REDIS_URL.`);
  if (spawnSync('redis-server', ['--version']).error) {
    throw new RedisUnavailableError(
      `Nothing answers at ${url} and redis-server is not on PATH: install Redis (e.g. "apt-get install redis-server" or "brew install redis") or set REDIS_URL.`,
    );
  }
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = parsed.port || '6379';
  const child = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new RedisUnavailableError(`redis-server did not start on port ${port}; see if the port is taken.`);
}
