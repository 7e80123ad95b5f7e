import { insertRaw, isEmbeddedClickhouse, type ClickHouseClient } from '../stores/clickhouse';
import type { EventRow } from './row';
import { embeddedLookup, lookupChunks, serverLookup } from './lookup-chunks';

/** Column order of the TabSeparated rows below; must match the `events` table. */
const columns = ['workspace_id', 'message_id', 'type', 'event', 'distinct_id', 'anonymous_id', 'user_id', 'group_id', 'previous_id', 'timestamp', 'sent_at', 'received_at', 'properties', 'traits', 'context', 'is_bot', 'bot_reason'] as const;

const special = /[\\\t\n\r\0]/;
const specialAll = /[\\\t\n\r\0]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/** A TabSeparated field: most values (ids, names, JSON texts without backslashes) need no escaping at all. */
const field = (s: string) => (special.test(s) ? s.replace(specialAll, (c) => escapes[c]!) : s);

/**
 * TabSeparated rather than JSON: the JSON texts of properties, traits and context go in as they are
 * (JSON inside JSON would escape every quote), which costs less to write here and to parse in ClickHouse.
 */
export function serializeEvents(rows: EventRow[], now = Date.now()): Buffer {
  const bounds = storedTimeBounds(now);
  let text = '';
  for (const r of rows) {
    const timestamp = withinBounds(r.timestamp, bounds) ? r.timestamp : clampedText(r.timestamp, bounds);
    // sentAt is the client's claim, kept as sent (it may run ahead) while it is a sane time.
    const sentAt = r.sent_at === null || withinBounds(r.sent_at, sentAtBounds) ? r.sent_at : null;
    text += `${field(r.workspace_id)}\t${field(r.message_id)}\t${r.type}\t${field(r.event)}\t${field(r.distinct_id)}\t${field(r.anonymous_id)}\t${field(r.user_id)}\t${field(r.group_id)}\t${field(r.previous_id)}\t${timestamp}\t${sentAt ?? '\\N'}\t${r.received_at}\t${field(r.properties)}\t${field(r.traits)}\t${field(r.context)}\t${r.is_bot}\t${field(r.bot_reason)}\n`;
  }
  return Buffer.from(text);
}

/**
 * Event times stored are between 2000-01-01 and a day after now: generous for any real event,
 * finite, and always inside ClickHouse's DateTime64 range and after 1970, which date functions of
 * later reads rely on. Ingestion refuses times outside 2000-2099 by name; this clamp covers the
 * rest (a future time, skew correction pushing a time out, events made by our own code).
 */
export const earliestStoredTime = Date.UTC(2000, 0, 1);
export const storedTimeLead = 24 * 3600_000;

export function clampEventTime(ms: number, now: number): number {
  if (!Number.isFinite(ms)) return now;
  return Math.min(Math.max(ms, earliestStoredTime), now + storedTimeLead);
}

interface Bounds {
  lowest: string;
  highest: string;
}

const timeText = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
const timeShape = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;

const sentAtBounds: Bounds = { lowest: timeText(earliestStoredTime), highest: timeText(Date.UTC(2100, 0, 1) - 1) };

function storedTimeBounds(now: number): Bounds {
  return { lowest: timeText(earliestStoredTime), highest: timeText(now + storedTimeLead) };
}

// Texts of this one shape order like the times they name, so bounds are checked without parsing.
const withinBounds = (text: string, b: Bounds) => text.length === 23 && text >= b.lowest && text <= b.highest && timeShape.test(text);

function clampedText(text: string, b: Bounds): string {
  if (timeShape.test(text) && text < b.lowest) return b.lowest;
  return b.highest;
}

/** Keys (`workspace\0messageId`) of the given rows that `events` already holds. */
export async function storedMessageIds(clickhouse: ClickHouseClient, rows: EventRow[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of lookupChunks(rows, isEmbeddedClickhouse(clickhouse) ? embeddedLookup : serverLookup)) {
    // Two flat sets rather than one set of pairs: the primary key is searched several times faster
    // (a batch is almost always one workspace). A pair the sets cross into but no row names is harmless.
    const rs = await clickhouse.query({
      query: `SELECT DISTINCT workspace_id, message_id FROM event_ids
              WHERE workspace_id IN {wss:Array(String)} AND message_id IN {ids:Array(String)}
              SETTINGS final = 0`,
      query_params: { wss: [...new Set(part.map((r) => r.workspace_id))], ids: part.map((r) => r.message_id) },
      format: 'JSONCompactEachRow',
    });
    for (const [ws, id] of await rs.json<[string, string]>()) found.add(`${ws}\u0000${id}`);
  }
  return found;
}

/**
 * Stores the rows whose messageId the workspace has not stored yet and returns them: a resend is
 * dropped even when it names another person than the first copy (see `event_ids`). Two processes
 * writing the same new id at the same instant can both store it; reads still collapse copies that
 * name the same person.
 */
export async function insertEvents(clickhouse: ClickHouseClient, rows: EventRow[]): Promise<EventRow[]> {
  if (rows.length === 0) return [];
  const stored = await storedMessageIds(clickhouse, rows);
  const fresh = stored.size === 0 ? rows : rows.filter((r) => !stored.has(`${r.workspace_id}\u0000${r.message_id}`));
  if (fresh.length === 0) return [];
  await insertRaw(clickhouse, 'events', columns, 'TabSeparated', serializeEvents(fresh));
  return fresh;
}
