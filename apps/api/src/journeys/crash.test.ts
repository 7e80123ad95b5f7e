import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { enterJourney } from '@overture/journeys';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { testServers } from '../env';
import { testSinkChannels } from './channels';
import { useJourneyRuntime } from './services';
import type { JourneyRuntime } from './runtime';
import { publishedJourneys } from './journeys';
import { publishedJourney, until } from './testing';

const profiles = 1000;
const fixture = join(import.meta.dirname, 'crash-worker.fixture.ts');

describe('crash test: workers killed at random points while 1,000 profiles run a journey', () => {
  let app: TestApp;
  let rt: JourneyRuntime;
  const children = new Set<ChildProcess>();
  /** The test app's PostgreSQL schema, which the worker processes share. */
  let currentSchema = '';

  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres' });
    // This process only enters profiles and reconciles; the child processes run every step.
    rt = useJourneyRuntime(app, { channels: testSinkChannels(app.postgres.db, ['onsite']) });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await rt?.close();
    await app?.close();
  });

  function spawnWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, testServers().databaseUrl, currentSchema, app.config.redisUrl, app.queuePrefix], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  }
  it('finishes every profile with exactly one message in the sink', async () => {
    const row = await app.postgres.db.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s')).executeTakeFirstOrThrow();
    currentSchema = row.s;
    const ws = await createWorkspace(app.postgres.db, 'crash');
    await publishedJourney(app, ws.id, {
      trigger: { type: 'event', event: 'Go' },
      start: 'w1',
      nodes: [
        { id: 'w1', type: 'wait', seconds: 1, next: 'msg' },
        { id: 'msg', type: 'message', channel: 'onsite', template: 'only-once', next: 'w2' },
        { id: 'w2', type: 'wait', seconds: 1, next: 'bye' },
        { id: 'bye', type: 'exit' },
      ],
    });
    const [journey] = await publishedJourneys(app.postgres.db, ws.id);
    for (let i = 0; i < profiles; i += 250) {
      const batch = Array.from({ length: 250 }, (_, k) => ({ profileId: `p${i + k}` }));
      expect(await enterJourney(rt.deps, rt.store, rt.scheduler, journey!, batch)).toHaveLength(250);
    }

    for (let i = 0; i < 3; i++) spawnWorker();
    // Kill a random worker every 300-900 ms for 12 s, replacing it: deaths land between claiming,
    // sending, completing the action and recording the run's next step.
    let kills = 0;
    const chaosEnd = Date.now() + 12_000;
    while (Date.now() < chaosEnd) {
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 600));
      const list = [...children];
      const victim = list[Math.floor(Math.random() * list.length)];
      if (victim) {
        victim.kill('SIGKILL');
        kills++;
      }
      spawnWorker();
    }
    expect(kills).toBeGreaterThan(10);

    // Calm: the surviving workers pick up stalled jobs; the reconciler re-schedules stranded runs.
    const finished = () =>
      app.postgres.db
        .selectFrom('journey_runs')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('workspace_id', '=', ws.id)
        .where('status', '=', 'exited')
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n));
    let reconciled = 0;
    await until(
      async () => {
        reconciled += (await rt.reconcile({ graceMs: 3_000, limit: 2000 })).rescheduled;
        return finished();
      },
      (n) => n === profiles,
      120_000,
      'every profile to finish',
    );

    const sink = await app.postgres.db
      .selectFrom('test_sink_messages')
      .select((eb) => [eb.fn.countAll<string>().as('rows'), eb.fn.count<string>('profile_id').distinct().as('profiles'), eb.fn.sum<string>('deliveries').as('deliveries')])
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    expect(Number(sink.rows)).toBe(profiles);
    expect(Number(sink.profiles)).toBe(profiles);
    const actions = await app.postgres.db
      .selectFrom('journey_actions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('workspace_id', '=', ws.id)
      .where('state', '=', 'done')
      .executeTakeFirstOrThrow();
    expect(Number(actions.n)).toBe(profiles);
    console.log(`crash test: ${kills} workers killed, ${reconciled} runs re-scheduled by the reconciler, ${Number(sink.deliveries) - profiles} repeated deliveries absorbed by idempotency keys`);
  }, 240_000);
});
