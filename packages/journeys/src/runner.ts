import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { EngineDeps, RunRecord, RunStatus } from './ports';
import { StepRunner, type StepAttempt } from './engine';
import { Batcher } from './batcher';

export const stepsQueueName = 'journey-steps';

/** Kept tiny on purpose: a waiting profile costs one delayed job in Redis. */
export interface StepJob {
  r: string;
  s: number;
}

/** Deterministic: a step is scheduled at most once however often it is re-scheduled. */
export function stepJobId(runId: string, step: number): string {
  return `${runId}.${step}`;
}

export const terminalStatuses: ReadonlySet<RunStatus> = new Set(['completed', 'exited', 'converted']);

export function createStepsQueue(connection: ConnectionOptions, prefix: string): Queue<StepJob> {
  return new Queue<StepJob>(stepsQueueName, {
    connection,
    prefix,
    // Lean on purpose (options are stored with every waiting job): a job that fails its attempts is
    // dropped, and the reconciler re-schedules its run from PostgreSQL.
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 3 },
    streams: { events: { maxLen: 1000 } },
  });
}

export interface Scheduled {
  runId: string;
  step: number;
  wakeAt: number | null;
  /** Attempts of this step's job, retried with exponential backoff (a webhook's retries); the queue's default when absent. */
  attempts?: number;
}

export class StepScheduler {
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
    private readonly clock: { now(): number },
    /** First retry delay of a step job with its own attempts; each next one doubles. */
    private readonly retryBackoffMs = 1_000,
  ) {}

  async schedule(items: Scheduled[]): Promise<void> {
    await Promise.all(items.map((i) => this.adds.call(i)));
  }
}

/** Early wake-ups are left for the reconciler (an injected clock may run behind Redis time). */
const earlyToleranceMs = 1_000;

/** Runs one step of one run: the job's step must still be the run's step, else the job is stale. */
export async function processStep(deps: EngineDeps, scheduler: StepScheduler, runId: string, step: number, attempt?: StepAttempt): Promise<number> {
  const run = await deps.runs.load(runId);
  if (!run || run.step !== step || terminalStatuses.has(run.status)) return 0;
  if (run.wakeAt !== null && run.wakeAt > deps.clock.now() + earlyToleranceMs) return 0;
  return advanceRun(deps, scheduler, run, attempt);
}

export async function advanceRun(deps: EngineDeps, scheduler: StepScheduler, run: RunRecord, attempt?: StepAttempt): Promise<number> {
  const def = await deps.runs.definition(run.journeyId, run.version);
  const status = await deps.runs.journeyStatus(run.journeyId);
  if (!def || status === 'archived') {
    await deps.runs.advance(run, { nodeId: null, status: 'exited', wakeAt: null, context: run.context });
    return 0;
  }
  const result = await new StepRunner(deps, run, def, attempt).execute();
  const moved = await deps.runs.advance(run, result.transition);
  if (moved && !terminalStatuses.has(result.transition.status)) {
    await scheduler.schedule([{ runId: run.id, step: run.step + 1, wakeAt: result.transition.wakeAt, ...(result.nextAttempts ? { attempts: result.nextAttempts } : {}) }]);
  }
  return result.nodes;
}

export interface StepWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  concurrency?: number;
  /** Shorter locks find the jobs of a killed worker sooner. */
  lockDurationMs?: number;
  onNodes?: (n: number) => void;
}

export function startStepWorker(deps: EngineDeps, scheduler: StepScheduler, options: StepWorkerOptions): Worker<StepJob> {
  const lockDuration = options.lockDurationMs ?? 30_000;
  const worker = new Worker<StepJob>(
    stepsQueueName,
    async (job: Job<StepJob>) => {
      const n = await processStep(deps, scheduler, job.data.r, job.data.s, { made: job.attemptsMade, max: job.opts.attempts ?? 1 });
      options.onNodes?.(n);
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
