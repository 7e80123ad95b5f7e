import type { App } from '../app';
import type { LiveEvent } from '../events/queue';
import { consumeProfileEvents } from '../profiles/consumer';
import { consumeEventsForJourneys } from '../journeys';

/**
 * Real-time consumers of stored events (segment refresh, journey triggers, goal exits...).
 * Each domain registers one; the worker calls them in order for every committed batch.
 */
export type EventConsumer = (app: App, events: LiveEvent[]) => Promise<void>;

export const eventConsumers: Array<{ name: string; consume: EventConsumer }> = [
  { name: 'profiles', consume: consumeProfileEvents },
  { name: 'journeys', consume: consumeEventsForJourneys },
];
