import { Worker } from 'bullmq';
import type { App } from '../app';
import { createWorkerRedis } from '../stores/redis';
import { eventsQueueName, type EventsJob } from '../events/queue';
import { eventConsumers } from './event-consumers';
import { startProfilesWorker } from '../segments/scheduler';
import { startJourneyServices } from '../journeys';

export interface RunningWorker {
  close(): Promise<void>;
}

/** Starts the background processors; close() lets in-flight jobs finish (graceful shutdown). */
export function startWorker(app: App, consumers = eventConsumers): RunningWorker {
  const connection = createWorkerRedis(app.config.redisUrl);
  connection.on('error', () => undefined);
  const events = new Worker<EventsJob>(
    eventsQueueName,
    async (job) => {
      for (const c of consumers) await c.consume(app, job.data.events);
    },
    { connection, prefix: app.config.queuePrefix, concurrency: 4 },
  );
  events.on('error', (err) => app.log.warn('events worker error', { error: err.message }));
  events.on('failed', (job, err) => app.log.warn('events job failed', { id: job?.id, error: err.message }));
  const profiles = startProfilesWorker(app);
  const journeys = startJourneyServices(app);
  return {
    async close() {
      await events.close();
      await profiles.close();
      await journeys.close();
      connection.disconnect();
    },
  };
}
