import type { App } from '../app-handle';
import type { LiveEvent } from '../events/queue';
import { consumeProfileEvents } from '../profiles';
import { refreshProfilesSegments } from '../segments/refresh';
import { consumeEventsForJourneys } from '../journeys';
import { catalogAccepts, consumeCatalogEvents } from '../catalog';

/**
 * Real-time consumers of stored events (segment refresh, journey triggers, goal exits...).
 * Each domain registers one; for every committed batch the worker runs them in this order, one
 * step job per workspace and consumer (event-steps.ts). A consumer gets one workspace's events
 * and may see an event again (a retried step), so what it does must be idempotent per event.
 */
export type EventConsumer = (app: App, events: LiveEvent[]) => Promise<void>;

export interface RegisteredConsumer {
  name: string;
  consume: EventConsumer;
  /** The events it acts on, when not all: its steps do not name the others. */
  accepts?: (event: LiveEvent) => boolean;
}

export const eventConsumers: RegisteredConsumer[] = [
  // Profiles first, then the segments of the people they touched, chunk by chunk.
  { name: 'profiles', consume: (app, events) => consumeProfileEvents(app, events, refreshProfilesSegments) },
  { name: 'journeys', consume: consumeEventsForJourneys },
  { name: 'catalog', consume: consumeCatalogEvents, accepts: catalogAccepts },
];
