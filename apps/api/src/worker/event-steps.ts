import type { FlowJob, Job, JobsOptions, Queue } from 'bullmq';
import type { App } from '../app-handle';
import type { LiveEvent } from '../events/queue';
import type { EventConsumer, RegisteredConsumer } from './event-consumers';

/**
 * One committed batch becomes, per workspace, a chain of steps, one per consumer in their order
 * (profiles before journeys): each step is its own BullMQ job with a deterministic id, its own
 * attempts and backoff. A step that fails is retried alone: the other workspaces' steps and the
 * other consumers' steps of the batch do not wait for it or run again with it.
 */
export const eventStepsQueueName = 'event-steps';

export interface EventStepJob {
  consumer: string;
  workspaceId: string;
  events: LiveEvent[];
}

export interface EventStepOptions {
  attempts: number;
  /** First retry delay; each next one doubles. */
  backoffMs: number;
}

export const defaultStepOptions: EventStepOptions = { attempts: 5, backoffMs: 500 };

export function stepJobOptions(o: EventStepOptions): JobsOptions {
  return { attempts: o.attempts, backoff: { type: 'exponential', delay: o.backoffMs }, removeOnComplete: true, removeOnFail: 1000 };
}

/**
 * The flows of one batch job. A consumer's step runs after the previous consumer's step of the same
 * workspace, even when that one failed for good (`ignoreDependencyOnFailure`): a poisoned profile
 * refresh must not keep journey triggers from running. Ids derive from the batch job's id, so a
 * retried fan-out adds nothing twice while the steps are still in Redis. A step holds only the
 * events its consumer accepts (each step is a copy of them in Redis); one with none is left out.
 */
export function batchFlows(batchJobId: string, events: LiveEvent[], consumers: ReadonlyArray<Pick<RegisteredConsumer, 'name' | 'accepts'>>, options: EventStepOptions): FlowJob[] {
  const byWorkspace = new Map<string, LiveEvent[]>();
  for (const e of events) {
    const list = byWorkspace.get(e.workspaceId) ?? [];
    list.push(e);
    byWorkspace.set(e.workspaceId, list);
  }
  const opts = stepJobOptions(options);
  const flows: FlowJob[] = [];
  for (const [workspaceId, list] of byWorkspace) {
    let flow: FlowJob | undefined;
    for (const { name: consumer, accepts } of consumers) {
      const accepted = accepts ? list.filter(accepts) : list;
      if (accepted.length === 0) continue;
      const data: EventStepJob = { consumer, workspaceId, events: accepted };
      const node = { name: consumer, queueName: eventStepsQueueName, data, opts: { ...opts, jobId: `${batchJobId}.${workspaceId}.${consumer}`, ignoreDependencyOnFailure: true } };
      flow = flow ? { ...node, children: [flow] } : node;
    }
    if (flow) flows.push(flow);
  }
  return flows;
}

/**
 * Runs one step. On its last attempt a step of several events is split instead of failing: each
 * event gets a job of its own, so one bad event is retried and finally kept as failed (the dead
 * letter, `removeOnFail`) alone, and the others are processed. Consumers are idempotent per event
 * (entries are keyed by messageId, goals convert once, features and segments are recomputed), so
 * running the batch's good events again is harmless.
 */
export async function runEventStep(app: App, job: Job<EventStepJob>, consumers: Array<{ name: string; consume: EventConsumer }>, steps: Queue<EventStepJob>): Promise<void> {
  const consumer = consumers.find((c) => c.name === job.data.consumer);
  if (!consumer) throw new Error(`no event consumer named ${job.data.consumer}`);
  try {
    await consumer.consume(app, job.data.events);
  } catch (err) {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!lastAttempt || job.data.events.length < 2) throw err;
    app.log.warn('event step failed; retrying its events one by one', { id: job.id, consumer: job.data.consumer, events: job.data.events.length, error: (err as Error).message });
    await steps.addBulk(job.data.events.map((e, i) => ({ name: job.name, data: { ...job.data, events: [e] }, opts: { jobId: `${job.id}.${i}` } })));
  }
}
