import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { insertEvents } from '../events/store';
import { normalizeEvent } from './normalize';
import { countsByType, latestEvents } from '../events/queries';
import { GroupCommitWriter } from '../events/group-commit';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const post = (body: unknown) =>
  fetch(`${t.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function count(workspaceId: string, where = '1') {
  const rs = await t.app.clickhouse.query({
    query: `SELECT count() AS n, uniqExact(message_id) AS u FROM events WHERE workspace_id = {ws:String} AND ${where}`,
    query_params: { ws: workspaceId },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string; u: string }>();
  return { n: Number(row!.n), u: Number(row!.u) };
}

describe('deduplication by messageId', () => {
  it('finds each event once when the same batch is sent twice', async () => {
    const batch = Array.from({ length: 25 }, (_, i) => ({ type: 'track', event: 'Retry Me', userId: `u${i % 5}`, messageId: randomUUID(), properties: { i } }));
    const sentAt = new Date().toISOString();
    expect((await post({ batch, sentAt })).status).toBe(200);
    // The retry carries a later sentAt, as a real client's would.
    expect((await post({ batch, sentAt: new Date(Date.now() + 1500).toISOString() })).status).toBe(200);
    expect(await count(t.workspace.id, "event = 'Retry Me'")).toEqual({ n: 25, u: 25 });
    const buckets = await countsByType(t.app.clickhouse, t.workspace.id, { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 3600_000), bucketSeconds: 7200 });
    expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(25);
  });

  it('never counts a duplicate twice even when it reaches storage twice (another process, a restart)', async () => {
    // Bypass the in-memory dedupe of the writer: both copies are physically stored.
    const ws = randomUUID();
    const rows = Array.from({ length: 10 }, (_, i) =>
      normalizeEvent({ type: 'track', event: 'Twice', userId: `p${i}`, messageId: `dup-${i}` }, { workspaceId: ws, receivedAt: Date.now() }),
    );
    await insertEvents(t.app.clickhouse, rows);
    await insertEvents(t.app.clickhouse, rows.map((r) => ({ ...r, received_at: r.received_at })));
    expect(await count(ws)).toEqual({ n: 10, u: 10 });
  });

  it('keeps one event per messageId when a resend names another person after a restart', async () => {
    const ws = randomUUID();
    const messageId = `resent-${randomUUID()}`;
    // A new writer is a process after a restart: its memory of recent ids starts empty.
    const restarted = () => new GroupCommitWriter({ insert: (rows) => insertEvents(t.app.clickhouse, rows) });
    const handedOn: string[] = [];
    const first = new GroupCommitWriter({ insert: (rows) => insertEvents(t.app.clickhouse, rows) });
    await first.write([normalizeEvent({ type: 'track', event: 'Order Completed', anonymousId: 'anon-1', messageId }, { workspaceId: ws, receivedAt: Date.now() })]);
    const second = new GroupCommitWriter({ insert: (rows) => insertEvents(t.app.clickhouse, rows), afterCommit: (rows) => void handedOn.push(...rows.map((r) => r.message_id)) });
    await second.write([normalizeEvent({ type: 'track', event: 'Order Completed', userId: 'user-1', messageId }, { workspaceId: ws, receivedAt: Date.now() })]);
    await restarted().write([normalizeEvent({ type: 'track', event: 'Order Completed', userId: 'user-2', messageId }, { workspaceId: ws, receivedAt: Date.now() })]);
    await second.drain();

    expect(await count(ws)).toEqual({ n: 1, u: 1 });
    const latest = await latestEvents(t.app.clickhouse, ws, 10);
    expect(latest.map((e) => [e.messageId, e.anonymousId])).toEqual([[messageId, 'anon-1']]);
    const buckets = await countsByType(t.app.clickhouse, ws, { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 3600_000), bucketSeconds: 7200 });
    expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(1);
    // The dropped copy does not reach real-time triggers either.
    expect(handedOn).toEqual([]);
  });

  it('lets the same messageId live in two workspaces', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const rows = [a, b].map((ws) => normalizeEvent({ type: 'track', event: 'Shared Id', userId: 'u', messageId: 'same-id' }, { workspaceId: ws, receivedAt: Date.now() }));
    expect(await insertEvents(t.app.clickhouse, rows)).toHaveLength(2);
    expect((await count(a)).n + (await count(b)).n).toBe(2);
  });
});
