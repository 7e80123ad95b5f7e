import { insertRaw, type ClickHouseClient } from '../stores/clickhouse';
import type { EventRow } from '../ingest/normalize';

/** Column order of the TabSeparated rows below; must match the `events` table. */
const columns = ['workspace_id', 'message_id', 'type', 'event', 'distinct_id', 'anonymous_id', 'user_id', 'group_id', 'previous_id', 'timestamp', 'sent_at', 'received_at', 'properties', 'traits', 'context', 'is_bot'] as const;

const special = /[\\\t\n\r\0]/;
const specialAll = /[\\\t\n\r\0]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/** A TabSeparated field: most values (ids, names, JSON texts without backslashes) need no escaping at all. */
const field = (s: string) => (special.test(s) ? s.replace(specialAll, (c) => escapes[c]!) : s);

/**
 * TabSeparated rather than JSON: the JSON texts of properties, traits and context go in as they are
 * (JSON inside JSON would escape every quote), which costs less to write here and to parse in ClickHouse.
 */
export function serializeEvents(rows: EventRow[]): Buffer {
  let text = '';
  for (const r of rows) {
    text += `${field(r.workspace_id)}\t${field(r.message_id)}\t${r.type}\t${field(r.event)}\t${field(r.distinct_id)}\t${field(r.anonymous_id)}\t${field(r.user_id)}\t${field(r.group_id)}\t${field(r.previous_id)}\t${r.timestamp}\t${r.sent_at ?? '\\N'}\t${r.received_at}\t${field(r.properties)}\t${field(r.traits)}\t${field(r.context)}\t${r.is_bot}\n`;
  }
  return Buffer.from(text);
}

export async function insertEvents(clickhouse: ClickHouseClient, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRaw(clickhouse, 'events', columns, 'TabSeparated', serializeEvents(rows));
}
