import type { ClickHouseClient } from '../stores/clickhouse';
import { chTime } from '../stores/clickhouse/sql';

export interface StoredEvent {
  messageId: string;
  type: string;
  event: string;
  anonymousId: string;
  userId: string;
  timestamp: string;
  receivedAt: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  isBot: boolean;
  /** Why the event counts as automated traffic ('' when it does not). */
  botReason: string;
}

interface Row {
  message_id: string;
  type: string;
  event: string;
  anonymous_id: string;
  user_id: string;
  timestamp: string;
  received_at: string;
  properties: string;
  traits: string;
  context: string;
  is_bot: number;
  bot_reason: string;
}

export interface EventFilter {
  type?: string | undefined;
  event?: string | undefined;
  /**
   * Only what a tracking library sent (Segment-spec clients and our SDK name themselves in
   * `context.library`): leaves out what the platform writes itself (journey steps, catalog moments) and imports.
   */
  fromLibrary?: boolean | undefined;
}

const toIso = (t: string) => `${t.replace(' ', 'T')}Z`;

function rowToEvent(r: Row): StoredEvent {
  return {
    messageId: r.message_id,
    type: r.type,
    event: r.event,
    anonymousId: r.anonymous_id,
    userId: r.user_id,
    timestamp: toIso(r.timestamp),
    receivedAt: toIso(r.received_at),
    properties: JSON.parse(r.properties) as Record<string, unknown>,
    traits: JSON.parse(r.traits) as Record<string, unknown>,
    context: JSON.parse(r.context) as Record<string, unknown>,
    isBot: r.is_bot === 1,
    botReason: r.bot_reason,
  };
}

/** The workspace's latest events by arrival, newest first. */
export async function latestEvents(ch: ClickHouseClient, workspaceId: string, limit: number, filter: EventFilter = {}): Promise<StoredEvent[]> {
  const rs = await ch.query({
    query: `SELECT message_id, type, event, anonymous_id, user_id, timestamp, received_at, properties, traits, context, is_bot, bot_reason
            FROM events
            WHERE workspace_id = {workspaceId:String}
              AND ({type:String} = '' OR type = {type:String})
              AND ({event:String} = '' OR event = {event:String})
              AND (NOT {fromLibrary:Bool} OR JSONExtractString(context, 'library', 'name') != '')
            ORDER BY received_at DESC, message_id
            LIMIT {limit:UInt32}`,
    query_params: { workspaceId, limit, type: filter.type ?? '', event: filter.event ?? '', fromLibrary: filter.fromLibrary ?? false },
    format: 'JSONEachRow',
  });
  return (await rs.json<Row>()).map(rowToEvent);
}

export interface CountBucket {
  bucket: string;
  type: string;
  count: number;
}

/** Event counts per type per time bucket over the last `hours` hours of event time. */
export async function countsByType(
  ch: ClickHouseClient,
  workspaceId: string,
  opts: { from: Date; to: Date; bucketSeconds: number; filter?: EventFilter },
): Promise<CountBucket[]> {
  const rs = await ch.query({
    query: `SELECT toStartOfInterval(timestamp, toIntervalSecond({bucket:UInt32})) AS bucket, type, count() AS count
            FROM events
            WHERE workspace_id = {workspaceId:String}
              AND timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)}
              AND ({type:String} = '' OR type = {type:String})
              AND ({event:String} = '' OR event = {event:String})
            GROUP BY bucket, type
            ORDER BY bucket, type`,
    query_params: {
      workspaceId,
      bucket: opts.bucketSeconds,
      from: opts.from.toISOString().slice(0, 23).replace('T', ' '),
      to: opts.to.toISOString().slice(0, 23).replace('T', ' '),
      type: opts.filter?.type ?? '',
      event: opts.filter?.event ?? '',
    },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ bucket: string; type: string; count: string | number }>()).map((r) => ({
    bucket: toIso(r.bucket),
    type: r.type,
    count: Number(r.count),
  }));
}

export async function eventTotals(ch: ClickHouseClient, workspaceId: string): Promise<{ total: number; first: string | null; last: string | null; names: Array<{ event: string; type: string; count: number }> }> {
  const rs = await ch.query({
    query: `SELECT type, event, count() AS count, min(timestamp) AS first, max(timestamp) AS last
            FROM events WHERE workspace_id = {workspaceId:String}
            GROUP BY type, event ORDER BY count DESC LIMIT 200`,
    query_params: { workspaceId },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ type: string; event: string; count: string; first: string; last: string }>();
  const total = rows.reduce((s, r) => s + Number(r.count), 0);
  const firsts = rows.map((r) => r.first).sort();
  const lasts = rows.map((r) => r.last).sort();
  return {
    total,
    first: firsts[0] ? toIso(firsts[0]) : null,
    last: lasts.at(-1) ? toIso(lasts.at(-1)!) : null,
    names: rows.map((r) => ({ type: r.type, event: r.event, count: Number(r.count) })),
  };
}


/** Events received with a timestamp in [from, to), bots left out, and how many distinct ids sent them. */
export async function eventActivity(ch: ClickHouseClient, workspaceId: string, from: Date, to: Date): Promise<{ events: number; senders: number }> {
  const rs = await ch.query({
    query: `SELECT count() AS events, uniqExact(distinct_id) AS senders FROM events FINAL
            WHERE workspace_id = {ws:String} AND timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)} AND is_bot = 0`,
    query_params: { ws: workspaceId, from: chTime(from), to: chTime(to) },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ events: string; senders: string }>();
  return { events: Number(row?.events ?? 0), senders: Number(row?.senders ?? 0) };
}
