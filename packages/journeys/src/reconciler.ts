import type { Scheduled, StepScheduler } from './ports';

export interface DueRuns {
  /** Unfinished runs whose next step was due at or before `cutoff` (oldest first). */
  dueRuns(cutoff: number, limit: number): Promise<Scheduled[]>;
}

export interface ReconcileReport {
  checked: number;
  rescheduled: number;
  promoted: number;
  retried: number;
}

/**
 * Finds runs whose step is overdue and makes sure a job will run it: re-adds vanished jobs
 * (the scheduler's store restarted, a crash between recording and scheduling), promotes delayed
 * ones that are due by the engine's clock, retries failed ones. Safe to run anywhere, any time: job
 * ids are deterministic and a stale step is ignored by the worker.
 */
export async function reconcile(source: DueRuns, scheduler: StepScheduler, now: number, options: { graceMs?: number; limit?: number } = {}): Promise<ReconcileReport> {
  const due = await source.dueRuns(now - (options.graceMs ?? 0), options.limit ?? 1000);
  const report: ReconcileReport = { checked: due.length, rescheduled: 0, promoted: 0, retried: 0 };
  const missing: Scheduled[] = [];
  for (const run of due) {
    const state = await scheduler.state(run.runId, run.step);
    if (state === 'missing') {
      missing.push({ ...run, wakeAt: null });
    } else if (state === 'delayed') {
      // A job waiting out its retry backoff (a webhook's) is 'backoff', and keeps its delay.
      await scheduler.promote(run.runId, run.step);
      report.promoted++;
    } else if (state === 'failed') {
      await scheduler.retry(run.runId, run.step);
      report.retried++;
    } else if (state === 'completed') {
      // Completed while the run still points at this step: the engine skipped it as early.
      await scheduler.cancel(run.runId, run.step);
      missing.push({ ...run, wakeAt: null });
    }
  }
  await scheduler.schedule(missing);
  report.rescheduled = missing.length;
  return report;
}
