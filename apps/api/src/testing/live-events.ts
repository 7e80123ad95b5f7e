import type { LiveEvent } from '../events/live-event';

/** A stored track event as real-time consumers get it: workspace `ws`, user `u1`, unless given. */
export function liveEvent(fields: Partial<LiveEvent> & Pick<LiveEvent, 'messageId'>): LiveEvent {
  return {
    workspaceId: 'ws',
    type: 'track',
    event: 'Signed Up',
    distinctId: 'u1',
    anonymousId: '',
    userId: 'u1',
    previousId: '',
    timestamp: '2026-01-01 00:00:00.000',
    properties: '{}',
    traits: '{}',
    ...fields,
  };
}
