import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { createJourney, publishJourney, saveDraft, setJourneyStatus } from './journeys';
import { journeyOverview } from './overview';

// The journey list's headline numbers, from run state in PGlite: runs are written as the engine leaves
// them (status, holdout, conversion, revenue) so every figure can be worked out by hand.

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ postgres: 'pglite' });
});
afterAll(async () => {
  await app?.close();
});

const def = (event: string) => ({ trigger: { type: 'event', event }, start: 'out', nodes: [{ id: 'out', type: 'exit' }] });

async function addRun(workspaceId: string, journeyId: string, run: { status: string; holdout?: boolean; revenue?: number }) {
  const converted = run.revenue !== undefined;
  await app.postgres.db
    .insertInto('journey_runs')
    .values({
      id: randomUUID(),
      workspace_id: workspaceId,
      journey_id: journeyId,
      version: 1,
      profile_id: randomUUID(),
      node_id: 'out',
      step: 0,
      status: run.status,
      wake_at: null,
      context: '{}',
      holdout: run.holdout ?? false,
      entered_at: Date.now(),
      finished_at: null,
      last_message_at: null,
      last_message_node: null,
      converted_at: converted ? Date.now() : null,
      revenue: run.revenue ?? null,
      attributed_node: null,
    })
    .execute();
}

describe('journey overview (the list)', () => {
  it('gives each journey its live trigger, in-flight runs, conversions, revenue and lift against the holdout', async () => {
    const ws = await createWorkspace(app.postgres.db, 'overview');
    const db = app.postgres.db;
    const live = await createJourney(db, ws.id, 'Live', def('Checkout Started'));
    await publishJourney(db, ws.id, live.id);
    // An edit not yet published does not change what the live journey reacts to.
    await saveDraft(db, ws.id, live.id, def('Something Else'));
    const draft = await createJourney(db, ws.id, 'Draft', { trigger: { type: 'segment', segmentId: 'seg_vip', on: 'entered' } });
    const archived = await createJourney(db, ws.id, 'Gone', def('X'));
    await setJourneyStatus(db, ws.id, archived.id, 'archive');
    const other = await createWorkspace(db, 'someone else');
    await createJourney(db, other.id, 'Not mine', def('X'));

    // Treatment: 4 profiles, 3 converted (10 + 20.5 + 5 revenue), 2 still in flight.
    await addRun(ws.id, live.id, { status: 'completed', revenue: 10 });
    await addRun(ws.id, live.id, { status: 'converted', revenue: 20.5 });
    await addRun(ws.id, live.id, { status: 'waiting', revenue: 5 });
    await addRun(ws.id, live.id, { status: 'waiting_event' });
    // Holdout: 2 profiles, 1 converted (its revenue is not the journey's), 1 still held.
    await addRun(ws.id, live.id, { status: 'holdout', holdout: true });
    await addRun(ws.id, live.id, { status: 'converted', holdout: true, revenue: 99 });

    const list = await journeyOverview(db, ws.id);
    expect(list.map((j) => j.name).sort()).toEqual(['Draft', 'Live']);
    const l = list.find((j) => j.id === live.id)!;
    expect(l).toMatchObject({ status: 'published', publishedVersion: 1, trigger: { type: 'event', event: 'Checkout Started' }, inFlight: 3, conversions: 4, revenue: 35.5 });
    // 3/4 converted against 1/2 in the holdout: +50 %.
    expect(l.lift).toBeCloseTo(0.5, 10);
    expect((await journeyOverview(db, ws.id, { includeArchived: true })).map((j) => `${j.name}:${j.status}`).sort()).toEqual(['Draft:draft', 'Gone:archived', 'Live:published']);
    const d = list.find((j) => j.id === draft.id)!;
    expect(d).toMatchObject({ status: 'draft', publishedVersion: null, trigger: { type: 'segment', segmentId: 'seg_vip' }, inFlight: 0, conversions: 0, revenue: 0, lift: null });
  });

  it('has no lift without converting holdout profiles, and an empty list for a new workspace', async () => {
    const ws = await createWorkspace(app.postgres.db, 'no holdout');
    expect(await journeyOverview(app.postgres.db, ws.id)).toEqual([]);
    const j = await createJourney(app.postgres.db, ws.id, 'J', def('E'));
    await publishJourney(app.postgres.db, ws.id, j.id);
    await addRun(ws.id, j.id, { status: 'completed', revenue: 3 });
    await addRun(ws.id, j.id, { status: 'completed', holdout: true });
    const [row] = await journeyOverview(app.postgres.db, ws.id);
    expect(row).toMatchObject({ conversions: 1, revenue: 3, inFlight: 0, lift: null });
  });
});
