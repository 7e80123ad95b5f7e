import type { EventRow } from './row';

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
