import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventRow } from './row';

export const eventsQueueName = 'events';

/** What real-time consumers (segments, journey triggers) get for each stored event. */
export interface LiveEvent {
  workspaceId: string;
  messageId: string;
  type: string;
  event: string;
  distinctId: string;
  anonymousId: string;
  userId: string;
  previousId: string;
  timestamp: string;
  properties: string;
  traits: string;
}

export interface EventsJob {
  events: LiveEvent[];
}

export function toLiveEvent(row: EventRow): LiveEvent {
  return {
    workspaceId: row.workspace_id,
    messageId: row.message_id,
    type: row.type,
    event: row.event,
    distinctId: row.distinct_id,
    anonymousId: row.anonymous_id,
    userId: row.user_id,
    previousId: row.previous_id,
    timestamp: row.timestamp,
    properties: row.properties,
    traits: row.traits,
  };
}

export function createEventsQueue(connection: Redis, prefix: string): Queue<EventsJob> {
  return new Queue<EventsJob>(eventsQueueName, {
    connection,
    prefix,
    skipWaitingForReady: true,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 500 } },
  });
}

/** One job per group commit; bots are left out of real-time processing. */
export async function publishEvents(queue: Queue<EventsJob>, rows: EventRow[]): Promise<void> {
  const events = rows.filter((r) => r.is_bot === 0).map(toLiveEvent);
  if (events.length === 0) return;
  await queue.add('batch', { events });
}
