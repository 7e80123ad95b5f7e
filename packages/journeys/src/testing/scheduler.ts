import { stepJobId, type Clock, type EngineDeps, type Scheduled, type StepJobState, type StepScheduler } from '../ports';
import { processStep } from '../runner';

interface Job {
  runId: string;
  step: number;
  dueAt: number;
  attempts: number;
  attemptsMade: number;
  state: 'queued' | 'failed' | 'completed';
  error?: string;
}

/**
 * Step jobs in memory, due by the injected clock. Nothing runs by itself: `runDue` runs every job due
 * now (and those they schedule for now), so a test moves the clock and then runs what became due.
 * Failed attempts back off exponentially like the BullMQ adapter's; completed jobs are kept to be looked at.
 */
export class MemoryStepScheduler implements StepScheduler {
  readonly jobs = new Map<string, Job>();

  constructor(
    private readonly clock: Clock,
    private readonly options: { defaultAttempts?: number; retryBackoffMs?: number } = {},
  ) {}

  async schedule(items: Scheduled[]): Promise<void> {
    const now = this.clock.now();
    for (const i of items) {
      const id = stepJobId(i.runId, i.step);
      if (this.jobs.has(id)) continue;
      this.jobs.set(id, { runId: i.runId, step: i.step, dueAt: Math.max(now, i.wakeAt ?? now), attempts: i.attempts ?? this.options.defaultAttempts ?? 3, attemptsMade: 0, state: 'queued' });
    }
  }

  async state(runId: string, step: number): Promise<StepJobState> {
    const job = this.jobs.get(stepJobId(runId, step));
    if (!job) return 'missing';
    if (job.state !== 'queued') return job.state;
    if (job.dueAt <= this.clock.now()) return 'waiting';
    return job.attemptsMade > 0 ? 'backoff' : 'delayed';
  }

  async promote(runId: string, step: number): Promise<void> {
    const job = this.jobs.get(stepJobId(runId, step));
    if (job?.state === 'queued') job.dueAt = this.clock.now();
  }

  async retry(runId: string, step: number): Promise<void> {
    const job = this.jobs.get(stepJobId(runId, step));
    if (job?.state === 'failed') Object.assign(job, { state: 'queued', dueAt: this.clock.now(), attemptsMade: 0 });
  }

  async cancel(runId: string, step: number): Promise<void> {
    this.jobs.delete(stepJobId(runId, step));
  }

  /** Runs every job due by the clock, oldest first, until none is due; returns how many attempts ran. */
  async runDue(deps: EngineDeps, maxAttempts = 10_000): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = this.clock.now();
      const due = [...this.jobs.values()].filter((j) => j.state === 'queued' && j.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
      const job = due[0];
      if (!job) return ran;
      if (++ran > maxAttempts) throw new Error(`more than ${maxAttempts} step attempts: a loop?`);
      try {
        await processStep(deps, this, job.runId, job.step, { made: job.attemptsMade, max: job.attempts });
        job.state = 'completed';
      } catch (err) {
        job.attemptsMade++;
        job.error = (err as Error).message;
        if (job.attemptsMade >= job.attempts) job.state = 'failed';
        else job.dueAt = now + (this.options.retryBackoffMs ?? 1_000) * 2 ** (job.attemptsMade - 1);
      }
    }
  }
}
