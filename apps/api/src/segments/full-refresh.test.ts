import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { resolveProfileId } from '../profiles';
import { daysAgo, ingest } from '../testing/profiles';
import { chTime } from '../ingest/normalize';
import { selectRows } from '../stores/clickhouse/sql';
import { compileCondition, membersSql } from './compile';
import { segmentMemberIds } from './members';
import { recomputeWorkspace } from './recompute';
import { createSegment, type Segment } from './store';

// A full refresh evaluates all computed segments of a dependency level in one scan: each segment must
// still get exactly its own members and transitions, including one that refers to another segment.
describe('full refresh of many segments at once', () => {
  let app: TestApp;
  let ws: string;
  const names = new Map<string, string>();
  const segments: Record<string, Segment> = {};

  /** Stored without the real-time path, so only the full pass can see the change. */
  async function storeQuietly(events: Array<Record<string, unknown>>): Promise<void> {
    await app.writer.write(events.map((e) => normalizeEvent({ messageId: randomUUID(), ...e } as IncomingEvent, { workspaceId: ws, receivedAt: Date.now() })));
  }

  async function transitions(segmentId: string): Promise<string[]> {
    const rows = await selectRows<{ event: string; user_id: string }>(
      app.clickhouse,
      `SELECT event, user_id FROM events WHERE workspace_id = {ws:String} AND startsWith(event, '$segment_') AND JSONExtractString(properties, 'segment_id') = {sid:String}`,
      { ws, sid: segmentId },
    );
    return rows.map((r) => `${r.event === '$segment_entered' ? '+' : '-'}${r.user_id}`).sort();
  }

  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'full-refresh')).id;
    await ingest(app, ws, [
      { type: 'identify', userId: 'ann', traits: { plan: 'pro' }, timestamp: daysAgo(30) },
      { type: 'track', event: 'Order Completed', userId: 'ann', properties: { revenue: 100 }, timestamp: daysAgo(20) },
      { type: 'identify', userId: 'ben', traits: { plan: 'free' }, timestamp: daysAgo(30) },
      { type: 'track', event: 'Order Completed', userId: 'ben', properties: { revenue: 20 }, timestamp: daysAgo(20) },
      { type: 'track', event: 'Order Refunded', userId: 'ben', properties: { revenue: 20 }, timestamp: daysAgo(19) },
      { type: 'identify', userId: 'cy', traits: { plan: 'free' }, timestamp: daysAgo(30) },
    ]);
    for (const u of ['ann', 'ben', 'cy']) names.set(await resolveProfileId(app, ws, { userId: u }), u);
    segments.pro = await createSegment(app, ws, { name: 'Pro', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    segments.notPro = await createSegment(app, ws, { name: 'Not pro', definition: { type: 'segment', segmentId: segments.pro.id, member: false } });
    segments.neverRefunded = await createSegment(app, ws, { name: 'Never refunded', definition: { type: 'event', event: 'Order Refunded', count: { op: 'eq', value: 0 } } });
    segments.repeat = await createSegment(app, ws, { name: 'Repeat buyers', definition: { type: 'event', event: 'Order Completed', count: { op: 'gte', value: 2 }, within: { days: 60 } } });
    segments.spenders = await createSegment(app, ws, { name: 'Spenders', definition: { type: 'feature', feature: 'net_revenue', op: 'gte', value: 100 } });
    await recomputeWorkspace(app, ws); // baselines, silently
    await storeQuietly([
      { type: 'identify', userId: 'ben', traits: { plan: 'pro' }, timestamp: daysAgo(1) },
      { type: 'track', event: 'Order Completed', userId: 'ben', properties: { revenue: 60 }, timestamp: daysAgo(1) },
      { type: 'track', event: 'Order Completed', userId: 'ben', properties: { revenue: 60 }, timestamp: daysAgo(1) },
      { type: 'track', event: 'Order Refunded', userId: 'ann', properties: { revenue: 10 }, timestamp: daysAgo(1) },
    ]);
    await app.writer.drain();
    await recomputeWorkspace(app, ws);
    await app.writer.drain();
  }, 60_000);
  afterAll(() => app?.close());

  it('materialises each segment’s own members, as evaluating it alone gives', async () => {
    const now = new Date();
    for (const s of Object.values(segments)) {
      const c = compileCondition(s.definition, { scoped: false, now });
      const alone = await selectRows<{ profile_id: string }>(app.clickhouse, membersSql(c.sql, false), { ...c.params, ws, now: chTime(now.getTime()) });
      const stored = await segmentMemberIds(app, ws, s.id);
      expect([s.name, stored.map((id) => names.get(id)).sort()]).toEqual([s.name, alone.map((r) => names.get(r.profile_id)).sort()]);
    }
    expect((await segmentMemberIds(app, ws, segments.pro!.id)).map((id) => names.get(id)).sort()).toEqual(['ann', 'ben']);
  });

  it('emits each segment’s own transitions, and those of a segment built on another after it', async () => {
    expect(await transitions(segments.pro!.id)).toEqual(['+ben']);
    expect(await transitions(segments.notPro!.id)).toEqual(['-ben']);
    expect(await transitions(segments.neverRefunded!.id)).toEqual(['-ann']);
    expect(await transitions(segments.repeat!.id)).toEqual(['+ben']);
    // ann: 100 − 10 = 90 leaves; ben: 20 + 120 − 20 = 120 enters.
    expect(await transitions(segments.spenders!.id)).toEqual(['+ben', '-ann']);
  });
});
