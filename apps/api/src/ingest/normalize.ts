import { randomUUID } from 'node:crypto';
import { timeMillis, type IncomingEvent } from './schema';
import { botReason, fromBrowserLibrary } from './bots';
import { clampEventTime } from '../events/store';
import type { EventRow } from '../events/row';

export type { EventRow } from '../events/row';
import { enrichContext, type GeoLookup } from './enrich';

export interface RequestFacts {
  workspaceId: string;
  receivedAt: number;
  /** `sentAt` of the enclosing batch (epoch ms, validated), when the client put it there. */
  batchSentAt?: number | undefined;
  batchContext?: Record<string, unknown> | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** The request came from a browser (it carries an Origin): its User-Agent is the visitor's. */
  fromBrowser?: boolean | undefined;
  geo?: GeoLookup | undefined;
  /** Filled on first use: the same for every event of a request. */
  receivedAtText?: string;
}

const timeTexts = new Map<number, string>();

/** ClickHouse DateTime64(3) text, always UTC. Events of a batch share few distinct times, so texts are kept a while. */
export function chTime(ms: number): string {
  let text = timeTexts.get(ms);
  if (text === undefined) {
    const iso = new Date(ms).toISOString();
    text = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
    if (timeTexts.size >= 4096) timeTexts.clear();
    timeTexts.set(ms, text);
  }
  return text;
}

/**
 * Client clocks drift: like Segment, the event time is the client's time shifted by the
 * difference between when we received the batch and when the client says it sent it.
 */
export function correctedTimestamp(eventTime: number | undefined, sentAt: number | undefined, receivedAt: number): number {
  if (eventTime === undefined) return receivedAt;
  if (sentAt === undefined) return eventTime;
  return eventTime + (receivedAt - sentAt);
}

export function normalizeEvent(event: IncomingEvent, facts: RequestFacts): EventRow {
  // Times were range-checked by the schema; the corrected time is clamped again where it is stored.
  const sentAt = timeMillis(event.sentAt) ?? facts.batchSentAt;
  const eventTime = timeMillis(event.originalTimestamp ?? event.timestamp);
  const context: Record<string, unknown> = { ...facts.batchContext, ...event.context };
  if (facts.ip && context.ip === undefined) context.ip = facts.ip;
  // The request's own User-Agent describes the visitor only when a browser sent it; a server's
  // HTTP client (curl, a backend SDK) says nothing about the person.
  const requestAgentIsVisitors = facts.fromBrowser === true || fromBrowserLibrary(context);
  const userAgent = typeof context.userAgent === 'string' ? context.userAgent : requestAgentIsVisitors ? facts.userAgent : undefined;
  if (userAgent && context.userAgent === undefined) context.userAgent = userAgent;
  enrichContext(context, facts.geo);
  const whyBot = botReason(context, userAgent);

  let name = '';
  let properties = event.properties ?? {};
  if (event.type === 'track') name = event.event;
  else if (event.type === 'page' || event.type === 'screen') {
    name = event.name ?? '';
    if (event.category) properties = { category: event.category, ...properties };
  }
  const traits = event.traits ?? (event.type === 'identify' || event.type === 'group' ? {} : (context.traits as Record<string, unknown> | undefined) ?? {});
  const userId = event.userId ?? '';
  const anonymousId = event.anonymousId ?? '';
  return {
    workspace_id: facts.workspaceId,
    message_id: event.messageId ?? randomUUID(),
    type: event.type,
    event: name,
    distinct_id: userId || anonymousId,
    anonymous_id: anonymousId,
    user_id: userId,
    group_id: event.type === 'group' ? event.groupId : '',
    previous_id: event.type === 'alias' ? event.previousId : '',
    timestamp: chTime(clampEventTime(correctedTimestamp(eventTime, sentAt, facts.receivedAt), facts.receivedAt)),
    sent_at: sentAt === undefined ? null : chTime(sentAt),
    received_at: (facts.receivedAtText ??= chTime(facts.receivedAt)),
    properties: JSON.stringify(properties),
    traits: JSON.stringify(traits),
    context: JSON.stringify(context),
    is_bot: whyBot ? 1 : 0,
    bot_reason: whyBot,
  };
}
