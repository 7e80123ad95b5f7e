import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testClickhouse } from '@overture/api/testing';
import { migrateClickhouse } from '../stores/clickhouse';
import { normalizeEvent } from '../ingest/normalize';
import { insertEvents } from './store';

describe('writing events to ClickHouse', () => {
  it('stores every character of names, ids and JSON exactly (tabs, newlines, backslashes, quotes, NUL, emoji)', async () => {
    const ch = testClickhouse().client;
    await migrateClickhouse(ch);
    const ws = `ws-${randomUUID()}`;
    const nasty = 'a\tb\nc\r\\d "e" \0 \\N 😀 \\t';
    const event = {
      type: 'track' as const,
      event: `Clicked ${nasty}`,
      userId: `user ${nasty}`,
      messageId: `m-${nasty}`,
      properties: { text: nasty, path: 'C:\\temp\\x', nested: { list: [nasty, 1, null, true] } },
      context: { page: { title: nasty } },
    };
    const row = normalizeEvent(event, { workspaceId: ws, receivedAt: Date.now() });
    const plain = normalizeEvent({ type: 'identify', anonymousId: 'anon', messageId: randomUUID(), traits: { email: 'x@y.z' } }, { workspaceId: ws, receivedAt: Date.now() });
    await insertEvents(ch, [row, plain]);
    const rs = await ch.query({
      query: 'SELECT event, user_id, message_id, properties, traits, context, sent_at, timestamp FROM events WHERE workspace_id = {ws:String} ORDER BY type DESC',
      query_params: { ws },
      format: 'JSONEachRow',
    });
    const [stored, other] = await rs.json<Record<string, string | null>>();
    expect(stored!.event).toBe(event.event);
    expect(stored!.user_id).toBe(event.userId);
    expect(stored!.message_id).toBe(event.messageId);
    expect(JSON.parse(stored!.properties!)).toEqual(event.properties);
    expect(JSON.parse(stored!.context!).page).toEqual(event.context.page);
    expect(stored!.sent_at).toBeNull();
    expect(stored!.timestamp).toBe(row.timestamp);
    expect(JSON.parse(other!.traits!)).toEqual({ email: 'x@y.z' });
  });

  it('drops exactly the resent ids of each workspace, even when one batch names two workspaces', async () => {
    const ch = testClickhouse().client;
    await migrateClickhouse(ch);
    const [wsA, wsB] = [`ws-${randomUUID()}`, `ws-${randomUUID()}`];
    const [x, y] = [randomUUID(), randomUUID()];
    const row = (workspaceId: string, messageId: string) => normalizeEvent({ type: 'track', event: 'Seen', userId: 'u1', messageId }, { workspaceId, receivedAt: Date.now() });
    expect(await insertEvents(ch, [row(wsA, x), row(wsB, y)])).toHaveLength(2);
    // (A, x) and (B, y) are stored; (A, y) and (B, x) name the same ids and workspaces but are new events.
    const stored = await insertEvents(ch, [row(wsA, x), row(wsA, y), row(wsB, x), row(wsB, y)]);
    expect(stored.map((r) => `${r.workspace_id === wsA ? 'A' : 'B'}:${r.message_id === x ? 'x' : 'y'}`).sort()).toEqual(['A:y', 'B:x']);
    const rs = await ch.query({ query: 'SELECT count() AS n FROM events WHERE workspace_id IN {ws:Array(String)}', query_params: { ws: [wsA, wsB] }, format: 'JSONEachRow' });
    expect((await rs.json<{ n: number | string }>()).map((r) => Number(r.n))).toEqual([4]);
  });
});
