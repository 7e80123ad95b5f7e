import type { EngineDeps, RunRecord, RunStatus, StepScheduler } from './ports';
import { StepRunner, type StepAttempt } from './engine';

export const terminalStatuses: ReadonlySet<RunStatus> = new Set(['completed', 'exited', 'converted']);

/** Early wake-ups are left for the reconciler (an injected clock may run behind the scheduler's time). */
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
  const moved = await deps.runs.advance(run, result.transition, result.events);
  if (moved) {
    if (result.events.length) deps.recorder.stepped(result.events);
    deps.onNodes?.(result.nodes);
  }
  if (moved && !terminalStatuses.has(result.transition.status)) {
    await scheduler.schedule([{ runId: run.id, step: run.step + 1, wakeAt: result.transition.wakeAt, ...(result.nextAttempts ? { attempts: result.nextAttempts } : {}) }]);
  }
  return result.nodes;
}
