import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../env';
import { startOwnRedis, type OwnRedis } from './redis-launcher';
import { createRedis, waitReady } from './redis';

const dirs: string[] = [];
const running: OwnRedis[] = [];
afterAll(async () => {
  for (const r of running) await r.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'overture-redis-'));
  dirs.push(d);
  return d;
}

const secret = randomBytes(32).toString('hex');

describe('the Redis of an embedded start', () => {
  it('is its own, on a unix socket under the data dir, unless REDIS_URL is set', () => {
    const dir = dataDir();
    const own = loadConfig({ OVERTURE_DATA_DIR: dir, OVERTURE_SECRET: secret });
    expect(own.ownRedis).toBe(true);
    expect(own.redisUrl).toBe(`unix://${join(dir, 'redis', 'redis.sock')}`);
    const given = loadConfig({ OVERTURE_DATA_DIR: dir, OVERTURE_SECRET: secret, REDIS_URL: 'redis://10.0.0.5:6380' });
    expect(given).toMatchObject({ ownRedis: false, redisUrl: 'redis://10.0.0.5:6380' });
    expect(loadConfig({ OVERTURE_DATA_DIR: dir, OVERTURE_SECRET: secret, REDIS_URL: 'redis+unix:///run/redis.sock' }).redisUrl).toBe('redis+unix:///run/redis.sock');
    expect(() => loadConfig({ OVERTURE_DATA_DIR: dir, OVERTURE_SECRET: secret, REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });

  it('gives two installs on one machine two Redis servers, reused after a crash, stopped on stop', async () => {
    const [one, two] = [dataDir(), dataDir()].map((d) => loadConfig({ OVERTURE_DATA_DIR: d, OVERTURE_SECRET: secret }));
    const first = await startOwnRedis(one!.redisUrl, one!.dataDir);
    running.push(first);
    const second = await startOwnRedis(two!.redisUrl, two!.dataDir);
    running.push(second);
    expect([first.launched, second.launched]).toEqual([true, true]);
    expect(existsSync(join(one!.dataDir, 'redis', 'redis.sock'))).toBe(true);

    const [c1, c2] = [createRedis(one!.redisUrl), createRedis(two!.redisUrl)];
    try {
      await Promise.all([waitReady(c1), waitReady(c2)]);
      await c1.set('who', 'one');
      expect(await c2.get('who')).toBeNull();
      // A start whose process was killed left its Redis running: the next start of that data dir uses it.
      const again = await startOwnRedis(one!.redisUrl, one!.dataDir);
      expect(again.launched).toBe(false);
      expect(await c1.get('who')).toBe('one');
    } finally {
      c1.disconnect();
      c2.disconnect();
    }
    await second.stop();
    expect(existsSync(join(two!.dataDir, 'redis', 'redis.sock'))).toBe(false);
  });
});
