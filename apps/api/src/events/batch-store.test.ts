import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteQueueKeys } from '@overture/api/testing';
import { testServers } from '../env';
import { createRedis, waitReady, type Redis } from '../stores/redis';
import { EventBatchStore } from './batch-store';
import { liveEvent } from '../testing/live-events';
import type { LiveEvent } from './queue';

const event = (messageId: string): LiveEvent => liveEvent({ messageId });

// Real Redis. Each reader is its own store with nothing in memory, as a worker in another process is.
describe('a committed batch stored once for the consumer steps that read it', () => {
  const prefix = `test-batches-${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  const store = (memoryEvents = 0) => new EventBatchStore(redis, prefix, { ttlSeconds: 600, memoryEvents });

  beforeAll(async () => {
    redis = createRedis(testServers().redisUrl);
    await waitReady(redis);
  });
  afterAll(async () => {
    await deleteQueueKeys(prefix);
    redis?.disconnect();
  });

  it('is read by every step until the last one is done, then deleted; a retried fan-out does not count its steps again', async () => {
    const id = await store().save([event('m1'), event('m2')]);
    expect(await redis.ttl(`${prefix}:event-batch:${id}`)).toBeGreaterThan(0);
    await store().expectSteps(id, 2);
    await store().expectSteps(id, 2); // the fan-out retried
    await store().stepDone(id);
    // The other step, retried after this one finished, still finds its events.
    expect((await store().load(id)).map((e) => e.messageId)).toEqual(['m1', 'm2']);
    await store().stepDone(id);
    expect(await store().exists(id)).toBe(false);
    await expect(store().load(id)).rejects.toThrow(/gone/);
    expect(await redis.keys(`${prefix}:event-batch:${id}*`)).toEqual([]);
  });

  it('a step finishing after its batch expired leaves no key behind without an expiry', async () => {
    const id = await store().save([event('m3')]);
    await store().expectSteps(id, 1);
    await redis.del(`${prefix}:event-batch:${id}`, `${prefix}:event-batch:${id}:left`); // what expiry does
    await store().stepDone(id);
    expect(await redis.keys(`${prefix}:event-batch:${id}*`)).toEqual([]);
  });

  it('a batch no consumer takes is deleted at once; the process that saved a batch reads it from memory', async () => {
    const none = await store().save([event('m4')]);
    await store().expectSteps(none, 0);
    expect(await store().exists(none)).toBe(false);

    const local = store(100);
    const events = [event('m5')];
    const id = await local.save(events);
    await redis.del(`${prefix}:event-batch:${id}`);
    expect(await local.load(id)).toBe(events);
  });
});
