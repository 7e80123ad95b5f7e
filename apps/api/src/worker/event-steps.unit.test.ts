import { describe, expect, it } from 'vitest';
import type { FlowJob } from 'bullmq';
import type { LiveEvent } from '../events/queue';
import { eventConsumers } from './event-consumers';
import { liveEvent } from '../testing/live-events';
import { batchFlows, defaultStepOptions, stepCount, type EventStepJob } from './event-steps';

const event = (workspaceId: string, messageId: string, name: string): LiveEvent => liveEvent({ workspaceId, messageId, event: name });

/** A workspace's chain from its last step down to its first: [consumer, message ids of the batch's events it names]. */
function chain(flow: FlowJob, events: LiveEvent[]): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  for (let node: FlowJob | undefined = flow; node; node = node.children?.[0]) {
    const data = node.data as EventStepJob;
    if (!('batch' in data)) throw new Error('a fanned-out step names its batch');
    expect(data.batch).toBe('7');
    out.push([data.consumer, data.indices.map((i) => events[i]!.messageId)]);
  }
  return out;
}

describe('a committed batch fanned out into consumer steps', () => {
  it('names in each step only the events its consumer accepts, and leaves out a step with none', () => {
    const events = [event('a', 'a1', 'Product Viewed'), event('a', 'a2', 'Order Completed'), event('b', 'b1', 'Signed Up')];
    const flows = batchFlows('7', events, eventConsumers, defaultStepOptions);
    expect(flows.map((f) => chain(f, events))).toEqual([
      [
        ['catalog', ['a1']],
        ['journeys', ['a1', 'a2']],
        ['profiles', ['a1', 'a2']],
      ],
      [
        ['journeys', ['b1']],
        ['profiles', ['b1']],
      ],
    ]);
    expect(flows[1]!.opts?.jobId).toBe('7.b.journeys');
    expect(stepCount(flows)).toBe(5);
  });
});
