import { FlowProducer, Queue, Worker } from 'bullmq';
import type { App } from '../app-handle';
import { createWorkerRedis } from '../stores/redis';
import { eventsQueueName, type EventsJob } from '../events/queue';
import { eventConsumers } from './event-consumers';
import { batchFlows, defaultStepOptions, eventStepsQueueName, runEventStep, stepCount, stepJobOptions, type EventStepJob, type EventStepOptions } from './event-steps';
import { startProfilesWorker } from '../segments/scheduler';
import { startRecommendationsWorker } from '../recommendations';
import { decideSplitsWith, startJourneyServices } from '../journeys';
import { splitDecisions, startBanditWorker } from '../experiments';

export interface RunningWorker {
  close(): Promise<void>;
}

/** Starts the background processors; close() lets in-flight jobs finish (graceful shutdown). */
export function startWorker(app: App, consumers = eventConsumers, stepOptions: EventStepOptions = defaultStepOptions): RunningWorker {
  const connection = createWorkerRedis(app.config.redisUrl);
  connection.on('error', () => undefined);
  const prefix = app.config.queuePrefix;
  const flows = new FlowProducer({ connection: app.redis, prefix });
  flows.on('error', () => undefined);
  const steps = new Queue<EventStepJob>(eventStepsQueueName, { connection: app.redis, prefix, defaultJobOptions: stepJobOptions(stepOptions) });
  steps.on('error', () => undefined);
  // A batch job only fans out into steps (one Redis transaction), so it rarely fails, and retrying it adds no step twice.
  const events = new Worker<EventsJob>(
    eventsQueueName,
    async (job) => {
      const { batch } = job.data;
      const jobs = batchFlows(batch, await app.eventBatches.load(batch), consumers, stepOptions);
      // Counted before any step can run and finish.
      await app.eventBatches.expectSteps(batch, stepCount(jobs));
      if (jobs.length > 0) await flows.addBulk(jobs);
    },
    { connection, prefix, concurrency: 4 },
  );
  events.on('error', (err) => app.log.warn('events worker error', { error: err.message }));
  events.on('failed', (job, err) => app.log.warn('events job failed', { id: job?.id, error: err.message }));
  const stepConnection = createWorkerRedis(app.config.redisUrl);
  stepConnection.on('error', () => undefined);
  const stepWorker = new Worker<EventStepJob>(eventStepsQueueName, (job) => runEventStep(app, job, consumers, steps), { connection: stepConnection, prefix, concurrency: 4 });
  stepWorker.on('error', (err) => app.log.warn('event steps worker error', { error: err.message }));
  stepWorker.on('failed', (job, err) => app.log.warn('event step failed', { id: job?.id, consumer: job?.data.consumer, workspaceId: job?.data.workspaceId, attempts: job?.attemptsMade, error: err.message }));
  const profiles = startProfilesWorker(app);
  const recommendations = startRecommendationsWorker(app);
  const bandits = startBanditWorker(app);
  decideSplitsWith(app, splitDecisions(app));
  const journeys = startJourneyServices(app);
  return {
    async close() {
      await events.close();
      await stepWorker.close();
      await profiles.close();
      await recommendations.close();
      await bandits.close();
      await journeys.close();
      await flows.close().catch(() => undefined);
      await steps.close().catch(() => undefined);
      connection.disconnect();
      stepConnection.disconnect();
    },
  };
}
