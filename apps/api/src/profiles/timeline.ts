import type { App } from '../app-handle';
import { identitiesOf } from './identity';
import { chToIso, selectRows } from '../stores/clickhouse/sql';

export interface TimelineItem {
  kind: 'event' | 'merge' | 'message';
  at: string;
  type: string;
  event: string;
  messageId: string;
  distinctId: string;
  properties: Record<string, unknown>;
}

export interface TimelinePage {
  items: TimelineItem[];
  /** Pass back as `before` for the next (older) page; null at the end. */
  next: string | null;
}

/**
 * The profile and every profile merged into it, however many merges deep: messages sent to a
 * profile before it was merged are part of the person's history (their events follow their ids).
 */
async function withMergedProfiles(app: App, workspaceId: string, profileId: string): Promise<string[]> {
  const all = new Set([profileId]);
  let frontier = [profileId];
  for (let depth = 0; depth < 10 && frontier.length > 0; depth++) {
    const rows = await selectRows<{ from_profile_id: string }>(
      app.clickhouse,
      `SELECT DISTINCT from_profile_id FROM identity_merges WHERE workspace_id = {ws:String} AND into_profile_id IN {p:Array(String)}`,
      { ws: workspaceId, p: frontier },
    );
    frontier = rows.map((r) => r.from_profile_id).filter((id) => !all.has(id));
    for (const id of frontier) all.add(id);
  }
  return [...all];
}

/**
 * A profile's unified timeline, newest first: its events (including segment changes and journey
 * steps, which are events too), the identity merges that shaped it and its message outcomes
 * (sent, delivered, opened, clicked… from `message_events`).
 * Keyset-paged on (timestamp, message id) so a page costs the same deep into a long history.
 */
export async function timeline(app: App, workspaceId: string, profileId: string, opts: { limit?: number; before?: string | null } = {}): Promise<TimelinePage> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const ids = (await identitiesOf(app, workspaceId, [profileId])).map((i) => i.distinct_id);
  if (ids.length === 0) return { items: [], next: null };
  const [beforeTs, beforeId] = opts.before ? (JSON.parse(Buffer.from(opts.before, 'base64url').toString()) as [string, string]) : ['9999-12-31 23:59:59.999', ''];
  const rows = await selectRows<{ timestamp: string; message_id: string; type: string; event: string; distinct_id: string; properties: string }>(
    app.clickhouse,
    `SELECT timestamp, message_id, type, event, distinct_id, properties FROM events
     WHERE workspace_id = {ws:String} AND distinct_id IN {ids:Array(String)}
       AND (timestamp < {ts:DateTime64(3)} OR (timestamp = {ts:DateTime64(3)} AND message_id < {mid:String} AND {mid:String} != ''))
     ORDER BY timestamp DESC, message_id DESC LIMIT {limit:UInt32}`,
    { ws: workspaceId, ids, ts: beforeTs, mid: beforeId, limit: limit + 1 },
  );
  const page = rows.slice(0, limit);
  const items: TimelineItem[] = page.map((r) => ({
    kind: 'event',
    at: chToIso(r.timestamp)!,
    type: r.type,
    event: r.event,
    messageId: r.message_id,
    distinctId: r.distinct_id,
    properties: JSON.parse(r.properties) as Record<string, unknown>,
  }));
  const newest = opts.before ? beforeTs : '9999-12-31 23:59:59.999';
  const oldest = rows.length > limit ? page.at(-1)!.timestamp : '1970-01-01 00:00:00.000';
  const profileIds = await withMergedProfiles(app, workspaceId, profileId);
  const [merges, messages] = await Promise.all([
    selectRows<{ from_profile_id: string; reason: string; message_id: string; merged_at: string; distinct_ids: string[] }>(
      app.clickhouse,
      `SELECT from_profile_id, reason, message_id, merged_at, distinct_ids FROM identity_merges
       WHERE workspace_id = {ws:String} AND into_profile_id = {p:String} AND merged_at <= {newest:DateTime64(3)} AND merged_at > {oldest:DateTime64(3)}`,
      { ws: workspaceId, p: profileId, newest, oldest },
    ),
    // Message outcomes in the same time window as this page of events, so paging stays keyset-exact.
    selectRows<{ message_id: string; channel: string; kind: string; journey_id: string; node_id: string; template_id: string; reason: string; at: string }>(
      app.clickhouse,
      `SELECT message_id, channel, kind, journey_id, node_id, template_id, reason, at FROM message_events FINAL
       WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)} AND at <= {newest:DateTime64(3)} AND at > {oldest:DateTime64(3)}
       ORDER BY at DESC LIMIT 500`,
      { ws: workspaceId, pids: profileIds, newest, oldest },
    ),
  ]);
  for (const m of merges) {
    items.push({
      kind: 'merge',
      at: chToIso(m.merged_at)!,
      type: 'merge',
      event: `merged ${m.from_profile_id} (${m.reason})`,
      messageId: m.message_id,
      distinctId: '',
      properties: { from_profile_id: m.from_profile_id, reason: m.reason, distinct_ids: m.distinct_ids },
    });
  }
  for (const m of messages) {
    items.push({
      kind: 'message',
      at: chToIso(m.at)!,
      type: 'message',
      event: `${m.channel} ${m.kind}`,
      messageId: `${m.message_id}:${m.kind}`,
      distinctId: '',
      properties: { message_id: m.message_id, channel: m.channel, outcome: m.kind, journey_id: m.journey_id, node_id: m.node_id, template_id: m.template_id, reason: m.reason },
    });
  }
  items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const last = page.at(-1);
  return { items, next: rows.length > limit && last ? Buffer.from(JSON.stringify([last.timestamp, last.message_id])).toString('base64url') : null };
}
