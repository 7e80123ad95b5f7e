import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { toLiveEvent } from '../events/queue';
import { resolveProfileId } from '../profiles';
import { testSinkChannels } from '../testing/test-sink-channel';
import { useJourneyRuntime } from './services';
import type { JourneyRuntime } from './runtime';
import { consumeJourneyEvents } from './consumer';
import { runScheduledTriggers } from './scheduled';
import { ManualClock, publishedJourney, runsOf } from '../testing/journeys';

// Work done twice (a retried job, a maintenance tick every minute) must not be done twice.
describe('repeated triggers enter once (PostgreSQL, Redis, chDB)', () => {
  let app: TestApp;
  let rt: JourneyRuntime;
  const clock = new ManualClock(Date.parse('2026-01-15T12:00:00Z'));

  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres' });
    rt = useJourneyRuntime(app, { channels: testSinkChannels(app.postgres.db), clock });
  });
  afterAll(async () => {
    await rt?.close();
    await app?.close();
  });

  const live = (workspaceId: string, e: Record<string, unknown>) => toLiveEvent(normalizeEvent({ messageId: randomUUID(), ...e } as IncomingEvent, { workspaceId, receivedAt: Date.now() }));

  it('enters an every-time journey once per messageId however often its events are consumed', async () => {
    const ws = await createWorkspace(app.postgres.db, 'retries');
    const j = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Visit' }, entry: { frequency: 'every_time' }, start: 'out', nodes: [{ id: 'out', type: 'exit' }] });
    const first = live(ws.id, { type: 'track', userId: 'cy', event: 'Visit', properties: { page: 1 } });
    const second = live(ws.id, { type: 'track', userId: 'cy', event: 'Visit', properties: { page: 2 } });
    const runs = async () => (await runsOf(app, j.id)).map((r) => (r.context as { trigger?: { messageId?: string } }).trigger?.messageId).sort();

    await consumeJourneyEvents(rt, app.postgres.db, [first]);
    await consumeJourneyEvents(rt, app.postgres.db, [first]); // the job retried
    expect(await runs()).toEqual([first.messageId]);

    await consumeJourneyEvents(rt, app.postgres.db, [second]);
    await consumeJourneyEvents(rt, app.postgres.db, [first, second]);
    expect(await runs()).toEqual([first.messageId, second.messageId].sort());
    // Two events of one person in one batch are two entries, each run keeping its own event.
    const third = live(ws.id, { type: 'track', userId: 'cy', event: 'Visit', properties: { page: 3 } });
    const fourth = live(ws.id, { type: 'track', userId: 'cy', event: 'Visit', properties: { page: 4 } });
    await consumeJourneyEvents(rt, app.postgres.db, [third, fourth, third]);
    expect(await runs()).toEqual([first, second, third, fourth].map((e) => e.messageId).sort());
    const pages = (await runsOf(app, j.id)).map((r) => (r.context as { trigger: { properties: { page: number } } }).trigger.properties.page).sort();
    expect(pages).toEqual([1, 2, 3, 4]);
  });

  it('keeps the entry cap per event: an event refused by the cap does not undo another entry of the same person', async () => {
    const ws = await createWorkspace(app.postgres.db, 'retries');
    const j = await publishedJourney(app, ws.id, { trigger: { type: 'event', event: 'Visit' }, entry: { frequency: 'every_time', cap: 2 }, start: 'out', nodes: [{ id: 'out', type: 'exit' }] });
    const events = [1, 2, 3].map((page) => live(ws.id, { type: 'track', userId: 'ann', event: 'Visit', properties: { page } }));
    await consumeJourneyEvents(rt, app.postgres.db, events);
    await consumeJourneyEvents(rt, app.postgres.db, events);
    expect(await runsOf(app, j.id)).toHaveLength(2);
    const entries = await app.postgres.db.selectFrom('journey_entries').select('occurrence').where('journey_id', '=', j.id).execute();
    expect(entries).toHaveLength(2);
  });

  it('reads a broadcast’s segment once over many maintenance runs', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const ws = await createWorkspace(app.postgres.db, 'broadcast');
    const j = await publishedJourney(app, ws.id, {
      trigger: { type: 'broadcast', segmentId: 'seg_all', at: '2026-01-15T12:30:00Z' },
      start: 'out',
      nodes: [{ id: 'out', type: 'exit' }],
    });
    const members = await Promise.all(['m1', 'm2', 'm3'].map((u) => resolveProfileId(app, ws.id, { userId: u })));
    const chNow = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await app.clickhouse.insert({
      table: 'segment_members',
      values: members.map((p) => ({ workspace_id: ws.id, segment_id: 'seg_all', profile_id: p, is_member: 1, version: 1, changed_at: chNow })),
      format: 'JSONEachRow',
    });
    // Count the segment reads the maintenance job makes, on the real store underneath.
    const realMembers = rt.profiles.segmentMembers.bind(rt.profiles);
    let reads = 0;
    rt.profiles.segmentMembers = (w, s) => {
      reads++;
      return realMembers(w, s);
    };
    try {
      const entered: number[] = [];
      for (let tick = 0; tick < 6; tick++) {
        entered.push((await runScheduledTriggers(rt, app.postgres.db, [ws.id])).entered);
        clock.advance(60_000 * 10);
      }
      expect(entered).toEqual([0, 0, 0, 3, 0, 0]);
      expect(reads).toBe(1);
      expect(await runsOf(app, j.id)).toHaveLength(3);
      const fired = await app.postgres.db.selectFrom('journey_broadcasts').selectAll().where('journey_id', '=', j.id).execute();
      expect(fired).toEqual([expect.objectContaining({ scheduled_at: '2026-01-15T12:30:00Z', entered: 3, fired_at: expect.anything() })]);
    } finally {
      rt.profiles.segmentMembers = realMembers;
    }
  });
});
