import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { systemClock, type RunRecord, type StepEvent } from '@overture/journeys';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { publishedJourney } from '../testing/journeys';
import { saveJourneySettings } from './settings';
import { PostgresRunStore } from './run-store';
import { StoreGuardrails } from './guardrails';

/** Counts the statements executed through the db it is plugged into (one result each). */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return args.result;
  }
}

const definition = { trigger: { type: 'event', event: 'Go' }, start: 'msg', nodes: [{ id: 'msg', type: 'message', channel: 'email', template: 'hello', next: null }] };

describe.each(['pglite', 'postgres'] as const)('journey run store round trips (%s)', (postgres) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ postgres });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('many steps asking at once for a journey version, its status and the workspace settings share one read of each', async () => {
    const ws = await createWorkspace(app.postgres.db, 'round trips');
    await saveJourneySettings(app.postgres.db, ws.id, { quietHours: null, globalControlPercent: 5 });
    const j = await publishedJourney(app, ws.id, definition);
    const counter = new StatementCounter();
    const db = app.postgres.db.withPlugin(counter);
    const store = new PostgresRunStore(db, systemClock);
    const guardrails = new StoreGuardrails(db, null, systemClock);

    const defs = await Promise.all(Array.from({ length: 50 }, () => store.definition(j.id, j.version)));
    expect(defs.every((d) => d?.start === 'msg')).toBe(true);
    expect(counter.count).toBe(1);

    const statuses = await Promise.all(Array.from({ length: 50 }, () => store.journeyStatus(j.id)));
    expect(new Set(statuses)).toEqual(new Set(['published']));
    expect(counter.count).toBe(2);

    const settings = await Promise.all(Array.from({ length: 50 }, () => guardrails.settings(ws.id)));
    expect(settings.every((s) => s.globalControlPercent === 5 && s.quietHours === null)).toBe(true);
    // The journey settings and the workspace's time zone.
    expect(counter.count).toBe(4);

    // A version that does not exist is not remembered as missing.
    expect(await store.definition(j.id, j.version + 1)).toBeNull();
    expect(await store.definition(j.id, j.version + 1)).toBeNull();
    expect(counter.count).toBe(6);
  });

  it('completes a batch of actions and writes their audit rows in one statement', async () => {
    const ws = await createWorkspace(app.postgres.db, 'completions');
    const j = await publishedJourney(app, ws.id, definition);
    const plain = new PostgresRunStore(app.postgres.db, systemClock);
    const published = { id: j.id, workspaceId: ws.id, version: j.version, definition: (await plain.definition(j.id, j.version))! };
    const runs: RunRecord[] = await plain.admit(published, [{ profileId: 'p1' }, { profileId: 'p2' }], Date.now());
    expect(runs).toHaveLength(2);
    const counter = new StatementCounter();
    const store = new PostgresRunStore(app.postgres.db.withPlugin(counter), systemClock);
    const claims = await Promise.all(runs.map((r) => store.claim(r, 'msg', 'email')));
    expect(claims).toEqual([{ state: 'claimed' }, { state: 'claimed' }]);
    const before = counter.count;
    await Promise.all(
      runs.map((r) =>
        store.complete(r, 'msg', { status: 'sent' }, { workspaceId: ws.id, journeyId: j.id, version: j.version, nodeId: 'msg', runId: r.id, profileId: r.profileId, action: 'message.sent', rule: null, decision: {}, outcome: { status: 'sent' } }),
      ),
    );
    expect(counter.count - before).toBe(1);
    const actions = await app.postgres.db.selectFrom('journey_actions').select(['profile_id', 'state', 'outcome']).where('workspace_id', '=', ws.id).orderBy('profile_id').execute();
    expect(actions).toEqual([
      { profile_id: 'p1', state: 'done', outcome: { status: 'sent' } },
      { profile_id: 'p2', state: 'done', outcome: { status: 'sent' } },
    ]);
    const audit = await app.postgres.db.selectFrom('audit_log').select(['subject', 'action']).where('workspace_id', '=', ws.id).orderBy('subject').execute();
    expect(audit).toEqual([
      { subject: 'p1', action: 'message.sent' },
      { subject: 'p2', action: 'message.sent' },
    ]);
    // Claimed again after completion (a repeated step): the recorded outcome comes back.
    expect(await store.claim(runs[0]!, 'msg', 'email')).toEqual({ state: 'done', outcome: { status: 'sent' } });
  });

  it("stores a batch of steps' transitions and their events in one statement, and neither for a step that lost the race", async () => {
    const ws = await createWorkspace(app.postgres.db, 'advances');
    const j = await publishedJourney(app, ws.id, definition);
    const plain = new PostgresRunStore(app.postgres.db, systemClock);
    const published = { id: j.id, workspaceId: ws.id, version: j.version, definition: (await plain.definition(j.id, j.version))! };
    const runs: RunRecord[] = await plain.admit(published, [{ profileId: 'p1' }, { profileId: 'p2' }], Date.now());
    const counter = new StatementCounter();
    const store = new PostgresRunStore(app.postgres.db.withPlugin(counter), systemClock);
    const stepEvent = (run: RunRecord, kind: StepEvent['kind'], reason = ''): StepEvent =>
      ({ workspaceId: ws.id, journeyId: j.id, version: j.version, nodeId: 'msg', runId: run.id, profileId: run.profileId, step: run.step, kind, reason, channel: 'email', revenue: 0, at: Date.now() });
    const done = { nodeId: null, status: 'completed' as const, wakeAt: null, context: {} };

    const moved = await Promise.all(runs.map((r) => store.advance(r, done, [stepEvent(r, 'entered'), stepEvent(r, 'sent', 'requested')])));
    expect(moved).toEqual([true, true]);
    expect(counter.count).toBe(1);
    // The same steps again (a stale job): the runs have moved on, so these change nothing and count nothing.
    expect(await Promise.all(runs.map((r) => store.advance(r, done, [stepEvent(r, 'skipped', 'stale')])))).toEqual([false, false]);

    const stored = await app.postgres.db.selectFrom('journey_runs').select(['profile_id', 'step', 'status']).where('journey_id', '=', j.id).orderBy('profile_id').execute();
    expect(stored).toEqual([
      { profile_id: 'p1', step: 1, status: 'completed' },
      { profile_id: 'p2', step: 1, status: 'completed' },
    ]);
    const rows = await app.postgres.db.selectFrom('journey_step_events').select(['run_id', 'step', 'kind', 'reason']).where('journey_id', '=', j.id).execute();
    const events = (run: RunRecord) => rows.filter((e) => e.run_id === run.id).sort((a, b) => a.kind.localeCompare(b.kind));
    for (const r of runs) {
      expect(events(r)).toEqual([
        { run_id: r.id, step: 0, kind: 'entered', reason: '' },
        { run_id: r.id, step: 0, kind: 'sent', reason: 'requested' },
      ]);
    }
    expect(rows).toHaveLength(4);
  });
});
