import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Queue } from 'bullmq';
import { createTestApp, createWorkspace, type TestApp } from '../testing';
import { ingest } from '../testing/profiles';
import { latestModel, recommendationsQueueName, startRecommendationsWorker } from './index';

// The scheduled rebuild on real Redis: the tick fans out one rebuild per workspace, which leaves a model.
describe('recommendations scheduler', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('registers a job scheduler and rebuilds every workspace on a tick', async () => {
    const ws = (await createWorkspace(app.postgres.db, 'sched')).id;
    await ingest(app, ws, [{ type: 'track', event: 'Order Completed', userId: 'u1', properties: { products: [{ product_id: 'a' }, { product_id: 'b' }] } }]);
    await app.writer.drain();
    const worker = startRecommendationsWorker(app);
    const queue = new Queue(recommendationsQueueName, { connection: app.redis, prefix: app.config.queuePrefix });
    try {
      await vi.waitFor(async () => expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain('rebuild-all'), { timeout: 10_000, interval: 100 });
      await queue.add('tick', {});
      await vi.waitFor(async () => expect(await latestModel(app, ws)).not.toBeNull(), { timeout: 30_000, interval: 200 });
    } finally {
      await queue.close();
      await worker.close();
    }
  });
});
