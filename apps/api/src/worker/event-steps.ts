import type { FlowJob, Job, JobsOptions, Queue } from 'bullmq';
import type { App } from '../app-handle';
import type { LiveEvent } from '../events/queue';
import type { EventBatchStore } from '../events/batch-store';
import type { EventConsumer, RegisteredConsumer } from './event-consumers';

/**
 * One committed batch becomes, per workspace, a chain of steps, one per consumer in their order
 * (profiles before journeys): each step is its own BullMQ job with a deterministic id, its own
 * attempts and backoff. A step that fails is retried alone: the other workspaces' steps and the
 * other consumers' steps of the batch do not wait for it or run again with it.
 */
export const eventStepsQueueName = 'event-steps';

/**
 * A step names its stored batch and the positions in it of the events its consumer accepts; a step
 * split per event, or kept as failed, carries its events itself, so it outlives the batch.
 */
export type EventStepJob = { consumer: string; workspaceId: string } & ({ batch: string; indices: number[] } | { events: LiveEvent[] });

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
 * retried fan-out adds nothing twice while the steps are still in Redis. A step names only the
 * events its consumer accepts (by their index in the stored batch); one with none is left out.
 */
export function batchFlows(batch: string, events: LiveEvent[], consumers: ReadonlyArray<Pick<RegisteredConsumer, 'name' | 'accepts'>>, options: EventStepOptions): FlowJob[] {
  const byWorkspace = new Map<string, number[]>();
  events.forEach((e, i) => {
    const list = byWorkspace.get(e.workspaceId) ?? [];
    list.push(i);
    byWorkspace.set(e.workspaceId, list);
  });
  const opts = stepJobOptions(options);
  const flows: FlowJob[] = [];
  for (const [workspaceId, list] of byWorkspace) {
    let flow: FlowJob | undefined;
    for (const { name: consumer, accepts } of consumers) {
      const indices = accepts ? list.filter((i) => accepts(events[i]!)) : list;
      if (indices.length === 0) continue;
      const data: EventStepJob = { consumer, workspaceId, batch, indices };
      const node = { name: consumer, queueName: eventStepsQueueName, data, opts: { ...opts, jobId: `${batch}.${workspaceId}.${consumer}`, ignoreDependencyOnFailure: true } };
      flow = flow ? { ...node, children: [flow] } : node;
    }
    if (flow) flows.push(flow);
  }
  return flows;
}

/** How many step jobs the flows hold. */
export function stepCount(flows: FlowJob[]): number {
  let n = 0;
  for (const flow of flows) for (let node: FlowJob | undefined = flow; node; node = node.children?.[0]) n++;
  return n;
}

/** The events a step's consumer gets. */
export async function stepEvents(data: EventStepJob, batches: EventBatchStore): Promise<LiveEvent[]> {
  if ('events' in data) return data.events;
  const events = await batches.load(data.batch);
  return data.indices.map((i) => events[i]!);
}

/**
 * Runs one step. On its last attempt a step of several events is split instead of failing: each
 * event gets a job of its own, so one bad event is retried and finally kept as failed (the dead
 * letter, `removeOnFail`) alone, and the others are processed. Consumers are idempotent per event
 * (entries are keyed by messageId, goals convert once, features and segments are recomputed), so
 * running the batch's good events again is harmless. A step that reads the stored batch tells the
 * store once it never will again (done, split, or kept as failed with its event copied into it),
 * so the last one deletes the batch.
 */
export async function runEventStep(app: App, job: Job<EventStepJob>, consumers: Array<{ name: string; consume: EventConsumer }>, steps: Queue<EventStepJob>): Promise<void> {
  const { consumer: name, workspaceId } = job.data;
  const consumer = consumers.find((c) => c.name === name);
  if (!consumer) throw new Error(`no event consumer named ${name}`);
  const events = await stepEvents(job.data, app.eventBatches);
  const batch = 'batch' in job.data ? job.data.batch : null;
  try {
    await consumer.consume(app, events);
  } catch (err) {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!lastAttempt) throw err;
    if (events.length < 2) {
      // The dead letter keeps its event: it can be inspected or retried after the batch is gone.
      if (batch) {
        await job.updateData({ consumer: name, workspaceId, events });
        await app.eventBatches.stepDone(batch);
      }
      throw err;
    }
    app.log.warn('event step failed; retrying its events one by one', { id: job.id, consumer: name, events: events.length, error: (err as Error).message });
    await steps.addBulk(events.map((e, i) => ({ name: job.name, data: { consumer: name, workspaceId, events: [e] }, opts: { jobId: `${job.id}.${i}` } })));
  }
  if (batch) await app.eventBatches.stepDone(batch);
}
