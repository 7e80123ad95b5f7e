import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { isUnixRedisUrl, redisTarget } from './redis';

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(redisTarget(url), { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1_000, retryStrategy: () => null });
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

export interface OwnRedis {
  /** Whether this call launched redis-server (false: one left running by an earlier start of this data dir). */
  launched: boolean;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

async function shutdown(url: string): Promise<void> {
  const client = new Redis(redisTarget(url), { maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  // SHUTDOWN closes the connection instead of answering.
  await client.call('SHUTDOWN').catch(() => undefined);
  client.disconnect();
}

/**
 * The Redis of an embedded start (no REDIS_URL): `redis-server` from PATH on the unix socket `url`
 * names, its data under `<dataDir>/redis`, never TCP, so two installs on one machine can never take
 * each other's jobs. A Redis already answering on that socket was left by an earlier start of this
 * data dir (killed before it could stop it; the data dir lock rules out a live one) and is reused.
 */
export async function startOwnRedis(url: string, dataDir: string): Promise<OwnRedis> {
  // Only ever a socket of our own: stop() shuts down whatever answers there.
  if (!isUnixRedisUrl(url)) throw new Error(`startOwnRedis needs a unix:// socket URL, not ${url}`);
  if (await answers(url)) return { launched: false, stop: () => shutdown(url) };
  if (spawnSync('redis-server', ['--version']).error) {
    throw new RedisUnavailableError(
      'Overture needs redis-server on PATH for its embedded start: install Redis ("apt-get install redis-server", "brew install redis") or set REDIS_URL to a Redis server.',
    );
  }
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socket = redisTarget(url);
  const log = join(dir, 'redis.log');
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--logfile', log],
    { stdio: 'ignore' },
  );
  child.on('error', () => undefined);
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (await answers(url)) {
      return {
        launched: true,
        async stop() {
          child.kill('SIGTERM');
          await exited(child);
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new RedisUnavailableError(`redis-server did not start on ${socket}; see ${log}.`);
}
