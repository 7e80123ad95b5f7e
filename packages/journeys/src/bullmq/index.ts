// The StepScheduler port over BullMQ: one delayed job per waiting step, in Redis.
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Batcher } from '../batcher';
import { stepJobId, type Clock, type EngineDeps, type Scheduled, type StepJobState, type StepScheduler } from '../ports';
import { processStep } from '../runner';

export const stepsQueueName = 'journey-steps';

/** Kept tiny on purpose: a waiting profile costs one delayed job in Redis. */
export interface StepJob {
  r: string;
  s: number;
}

export function createStepsQueue(connection: ConnectionOptions, prefix: string): Queue<StepJob> {
  return new Queue<StepJob>(stepsQueueName, {
    connection,
    prefix,
    // Lean on purpose (options are stored with every waiting job): a job that fails its attempts is
    // dropped, and the reconciler re-schedules its run from the run store.
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 3 },
    streams: { events: { maxLen: 1000 } },
  });
}

export class BullmqStepScheduler implements StepScheduler {
  /** Steps scheduled by concurrent jobs go to Redis together, in one addBulk. */
  private readonly adds = new Batcher<Scheduled, void>(async (items) => {
    const now = this.clock.now();
    await this.queue.addBulk(
      items.map((i) => ({
        name: 's',
        data: { r: i.runId, s: i.step },
        opts: {
          jobId: stepJobId(i.runId, i.step),
          ...(i.wakeAt && i.wakeAt > now ? { delay: i.wakeAt - now } : {}),
          ...(i.attempts ? { attempts: i.attempts, backoff: { type: 'exponential', delay: this.retryBackoffMs } } : {}),
        },
      })),
    );
    return items.map(() => undefined);
  });

  constructor(
    readonly queue: Queue<StepJob>,
    private readonly clock: Clock,
    /** First retry delay of a step job with its own attempts; each next one doubles. */
    private readonly retryBackoffMs = 1_000,
  ) {}

  async schedule(items: Scheduled[]): Promise<void> {
    await Promise.all(items.map((i) => this.adds.call(i)));
  }

  private job(runId: string, step: number): Promise<Job<StepJob> | undefined> {
    return this.queue.getJob(stepJobId(runId, step));
  }

  async state(runId: string, step: number): Promise<StepJobState> {
    const job = await this.job(runId, step);
    if (!job) return 'missing';
    const state = await job.getState();
    switch (state) {
      case 'delayed':
        return job.attemptsMade > 0 ? 'backoff' : 'delayed';
      case 'active':
      case 'failed':
      case 'completed':
        return state;
      case 'unknown':
        return 'missing';
      default:
        // waiting, prioritized, waiting-children: it will run.
        return 'waiting';
    }
  }

  // Each of these races the worker (the job may move or go away meanwhile): a lost race is harmless,
  // the reconciler looks again next time.
  async promote(runId: string, step: number): Promise<void> {
    await (await this.job(runId, step))?.promote().catch(() => undefined);
  }

  async retry(runId: string, step: number): Promise<void> {
    await (await this.job(runId, step))?.retry('failed').catch(() => undefined);
  }

  async cancel(runId: string, step: number): Promise<void> {
    await (await this.job(runId, step))?.remove().catch(() => undefined);
  }
}

export interface StepWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  concurrency?: number;
  /** Shorter locks find the jobs of a killed worker sooner. */
  lockDurationMs?: number;
}

/** Takes step jobs from the queue and runs them on the engine; a RetryStepError fails the attempt, so BullMQ backs off and retries. */
export function startStepWorker(deps: EngineDeps, scheduler: StepScheduler, options: StepWorkerOptions): Worker<StepJob> {
  const lockDuration = options.lockDurationMs ?? 30_000;
  const worker = new Worker<StepJob>(
    stepsQueueName,
    async (job: Job<StepJob>) => {
      await processStep(deps, scheduler, job.data.r, job.data.s, { made: job.attemptsMade, max: job.opts.attempts ?? 1 });
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 50,
      lockDuration,
      stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
      maxStalledCount: 20,
    },
  );
  worker.on('error', () => undefined);
  return worker;
}
