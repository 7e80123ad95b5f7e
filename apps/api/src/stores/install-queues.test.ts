import { afterAll, describe, expect, it, vi } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestApp, createWorkspace, deleteQueueKeys, type TestApp } from '../testing';
import { startWorker } from '../worker/worker';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';

// Two installs left at the same OVERTURE_QUEUE_PREFIX (as two default installs are) on one Redis.
const shared = `twin-${randomBytes(4).toString('hex')}`;
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
  await deleteQueueKeys(shared);
});

async function install(): Promise<TestApp & { workspaceId: string }> {
  const app = await createTestApp({ postgres: 'postgres', env: { OVERTURE_QUEUE_PREFIX: shared } });
  apps.push(app);
  const ws = await createWorkspace(app.postgres.db, 'twin');
  return Object.assign(app, { workspaceId: ws.id });
}

async function ingestOne(app: TestApp & { workspaceId: string }): Promise<void> {
  const event = { type: 'track', event: 'Twin', userId: `u-${randomUUID()}`, messageId: randomUUID() } as IncomingEvent;
  await app.writer.write([normalizeEvent(event, { workspaceId: app.workspaceId, receivedAt: Date.now() })]);
}

describe('two installs on one Redis', () => {
  it('never consume each other’s jobs: queue prefixes carry the install id', async () => {
    const a = await install();
    const b = await install();
    expect(a.config.queuePrefix).toMatch(new RegExp(`^${shared}:[0-9a-f]{10}$`));
    expect(b.config.queuePrefix).not.toBe(a.config.queuePrefix);

    // A's job is older: were the queues shared, B's worker (first in, first out) would take it before its own.
    await ingestOne(a);
    await ingestOne(b);
    const worker = startWorker(b);
    try {
      await vi.waitFor(
        async () => {
          const counts = await b.eventsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(0);
        },
        { timeout: 30_000, interval: 50 },
      );
      expect(await a.eventsQueue.getJobCounts('waiting')).toEqual({ waiting: 1 });
      // Every key B's worker and schedulers created lives under one of the two install prefixes.
      const keys = await b.redis.keys(`${shared}:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((k) => !k.startsWith(`${a.config.queuePrefix}:`) && !k.startsWith(`${b.config.queuePrefix}:`))).toEqual([]);
      expect(keys.some((k) => k.startsWith(`${b.config.queuePrefix}:profiles:`))).toBe(true);
    } finally {
      await worker.close();
    }
  });
});
