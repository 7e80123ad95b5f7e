import { insertRaw, type ClickHouseClient } from '../stores/clickhouse';
import type { EventRow } from '../ingest/normalize';

/** Column order of JSONCompactEachRow below; must match the `events` table. */
const columns = ['workspace_id', 'message_id', 'type', 'event', 'distinct_id', 'anonymous_id', 'user_id', 'group_id', 'previous_id', 'timestamp', 'sent_at', 'received_at', 'properties', 'traits', 'context', 'is_bot'] as const;

export function serializeEvents(rows: EventRow[]): Buffer {
  let text = '';
  for (const r of rows) {
    text += JSON.stringify([r.workspace_id, r.message_id, r.type, r.event, r.distinct_id, r.anonymous_id, r.user_id, r.group_id, r.previous_id, r.timestamp, r.sent_at, r.received_at, r.properties, r.traits, r.context, r.is_bot]);
    text += '\n';
  }
  return Buffer.from(text);
}

export async function insertEvents(clickhouse: ClickHouseClient, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRaw(clickhouse, 'events', columns, 'JSONCompactEachRow', serializeEvents(rows));
}
