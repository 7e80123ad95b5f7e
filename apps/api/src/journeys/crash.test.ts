import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@overture/stats';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { enterJourney } from '@overture/journeys';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { testServers } from '../env';
import { startSmtpSink, type SmtpSink } from '../testing/smtp';
import { startClickhouseFrontProcess, type ClickhouseFrontProcess } from '../testing/clickhouse-front-process';
import { bundleForNode } from '../testing/bundle-for-node';
import { closeTransports, messageIdFor, saveEmailSettings } from '../channels';
import { saveTemplate } from '../templates';
import { useJourneyRuntime } from './services';
import type { JourneyRuntime } from './runtime';
import { publishedJourneys } from './journeys';
import { journeyMetrics } from './metrics';
import { saveJourneySettings } from './settings';
import { publishedJourney, until } from '../testing/journeys';

const profiles = 1000;
const fixture = join(import.meta.dirname, 'crash-worker.fixture.ts');


/** How long the relay takes to answer 250 once it has a message (real relays take tens to hundreds of ms). */
const relayLatencyMs = 150;

/**
 * The relay: a real SMTP server that, like real relays, keeps one copy per Message-ID (the mailbox)
 * while counting every message it accepted (raw). It logs a message as accepted before it answers
 * 250, so a worker killed while waiting for the answer leaves a send the relay has and the worker
 * does not know about. It posts a delivery notification to our feedback webhook for about half the
 * Message-IDs (by the id's last hex digit); for the others it never reports, as relays sometimes don't.
 */
async function startRelay(feedbackUrl: string, secretKey: string) {
  const mailbox = new Map<string, { recipient: string; copies: number }>();
  let raw = 0;
  let held = 0;
  const notifications: Array<Promise<unknown>> = [];
  const sink: SmtpSink = await startSmtpSink({
    async onMessage(mail, recipients) {
      raw++;
      held++;
      const id = (mail.messageId ?? '').replace(/^<|>$/g, '');
      const copy = mailbox.get(id);
      if (copy) copy.copies++;
      else mailbox.set(id, { recipient: recipients[0] ?? '', copies: 1 });
      const messageId = id.replace(/@overture$/, '');
      if (parseInt(messageId.slice(-1), 16) % 2 === 0) {
        notifications.push(
          fetch(feedbackUrl, {
            method: 'POST',
            headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ type: 'delivered', email: recipients[0], messageId }),
          }).catch(() => undefined),
        );
      }
      await new Promise((r) => setTimeout(r, relayLatencyMs));
      held--;
    },
  });
  // A worker killed mid-transaction resets its connection: expected here, not an error of the test.
  sink.server.on('error', () => undefined);
  /** `held`: messages accepted whose 250 is not answered yet (a worker waits for it). */
  return { sink, mailbox, raw: () => raw, held: () => held, settled: () => Promise.all(notifications) };
}

describe('crash test: email workers killed at random points while 1,000 profiles run a journey', () => {
  let t: TestServer;
  let rt: JourneyRuntime;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let clickhouse: ClickhouseFrontProcess;
  let workerEntry = '';
  const children = new Set<ChildProcess>();
  let currentSchema = '';

  beforeAll(async () => {
    t = await startTestServer({ postgres: 'postgres' });
    // This process only enters profiles and reconciles; the child processes run every step.
    rt = useJourneyRuntime(t.app);
    relay = await startRelay(`${t.url}/v1/email/feedback`, t.workspace.secretKey);
    // Workers start over and over here: each loads one bundled file instead of the app's sources
    // through tsx, and connects to one migrated ClickHouse instead of migrating an engine of its own.
    [clickhouse, workerEntry] = await Promise.all([startClickhouseFrontProcess(), bundleForNode(fixture)]);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await relay?.settled();
    await rt?.close();
    closeTransports(t.app);
    await relay?.sink.close();
    await clickhouse?.stop();
    await t?.close();
  });

  /** Workers that said `ready` (their step worker runs): the ones worth killing. */
  const ready = new Set<ChildProcess>();
  function spawnWorker(): ChildProcess {
    const args = [testServers().databaseUrl, currentSchema, t.app.config.redisUrl, t.app.queuePrefix, t.app.config.secret, clickhouse.url];
    const child = spawn(process.execPath, [workerEntry, ...args], { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && ready.add(child));
    child.on('exit', () => {
      children.delete(child);
      ready.delete(child);
    });
    return child;
  }

  it('delivers exactly one email per profile (0 missing, 0 duplicate Message-IDs) and counts every send in the metrics', async () => {
    const seed = Number(testServers().crashSeed ?? randomInt(2 ** 31));
    const random = seededRandom(seed);
    console.log(`crash test seed: ${seed} (replay the kill schedule with CRASH_TEST_SEED=${seed})`);

    const db = t.app.postgres.db;
    const row = await db.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s')).executeTakeFirstOrThrow();
    currentSchema = row.s;
    const ws = t.workspace.id;
    await saveJourneySettings(db, ws, { quietHours: null });
    await saveEmailSettings(t.app, ws, { host: '127.0.0.1', port: relay.sink.port, fromAddress: 'shop@example.com', fromName: 'Shop' });
    await saveTemplate(t.app, ws, { name: 'only-once', channel: 'email', subject: 'Hello {{ profile.id }}', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Just once</mj-text></mj-column></mj-section></mj-body></mjml>' });
    await publishedJourney(t.app, ws, {
      trigger: { type: 'event', event: 'Go' },
      start: 'w1',
      nodes: [
        { id: 'w1', type: 'wait', seconds: 1, next: 'msg' },
        { id: 'msg', type: 'message', channel: 'email', template: 'only-once', next: 'w2' },
        { id: 'w2', type: 'wait', seconds: 1, next: 'bye' },
        { id: 'bye', type: 'exit' },
      ],
    });
    const [journey] = await publishedJourneys(db, ws);
    for (let i = 0; i < profiles; i += 250) {
      const batch = Array.from({ length: 250 }, (_, k) => ({ profileId: `p${i + k}` }));
      expect(await enterJourney(rt.deps, rt.store, rt.scheduler, journey!, batch)).toHaveLength(250);
    }

    for (let i = 0; i < 3; i++) spawnWorker();
    // Kill a random running worker 300-900 ms (seeded) after the previous kill, until every profile
    // has been through the message node (at least 10 kills, at most 20), replacing each: deaths land
    // between claiming, recording the send, the SMTP transaction, completing the action and
    // storing the run's next step.
    let kills = 0;
    const sentOrPast = () =>
      db
        .selectFrom('journey_actions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('workspace_id', '=', ws)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n));
    const chaosStart = Date.now();
    while (kills < 20 && (kills < 10 || (await sentOrPast()) < profiles)) {
      await new Promise((r) => setTimeout(r, 300 + random() * 600));
      const pick = random();
      await until(async () => ready.size, (n) => n > 0, 60_000, 'a worker to start');
      // Strike while the relay holds a message when it soon does: the kill then catches sends in doubt.
      for (let waited = 0; relay.held() === 0 && waited < 3_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      const list = [...ready];
      const victim = list[Math.floor(pick * list.length)]!;
      ready.delete(victim);
      victim.kill('SIGKILL');
      kills++;
      spawnWorker();
    }

    console.log(`crash test: ${kills} kills in ${((Date.now() - chaosStart) / 1000).toFixed(1)} s`);

    // Calm: the surviving workers pick up stalled jobs; the reconciler re-schedules stranded runs.
    const finished = () =>
      db
        .selectFrom('journey_runs')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('workspace_id', '=', ws)
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
    await relay.settled();

    // Exactly once, as the mailbox sees it: each run's Message-ID arrived, and nothing else did.
    const runs = await db.selectFrom('journey_runs').select(['id', 'profile_id']).where('workspace_id', '=', ws).execute();
    const expected = new Map(runs.map((r) => [`${messageIdFor(`${r.id}:msg`)}@overture`, `${r.profile_id}@crash.example`]));
    const missing = [...expected.keys()].filter((id) => !relay.mailbox.has(id));
    const unexpected = [...relay.mailbox.keys()].filter((id) => !expected.has(id));
    const perRecipient = new Map<string, number>();
    for (const m of relay.mailbox.values()) perRecipient.set(m.recipient, (perRecipient.get(m.recipient) ?? 0) + 1);
    const duplicates = [...perRecipient.values()].filter((n) => n > 1).length;
    const redeliveries = relay.raw() - relay.mailbox.size;
    const outcomes = await db
      .selectFrom('journey_actions')
      .select([sql<string>`state || ':' || coalesce(outcome->>'status', '')`.as('outcome'), (eb) => eb.fn.countAll<string>().as('n')])
      .where('workspace_id', '=', ws)
      .groupBy(sql`state || ':' || coalesce(outcome->>'status', '')`)
      .execute()
      .then((rows) => Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)])));
    console.log(
      `crash test: ${kills} workers killed, ${reconciled} runs re-scheduled by the reconciler; ${relay.mailbox.size} distinct Message-IDs delivered, ` +
        `${missing.length} missing, ${duplicates} recipients with two, ${unexpected.length} unexpected; ${redeliveries} raw redeliveries the relay deduplicated; actions ${JSON.stringify(outcomes)}`,
    );
    expect({ missing: missing.length, duplicates, unexpected: unexpected.length, outcomes }).toEqual({ missing: 0, duplicates: 0, unexpected: 0, outcomes: { 'done:sent': profiles } });
    expect(relay.mailbox.size).toBe(profiles);
    expect(kills).toBeGreaterThanOrEqual(10);

    // In doubt after a crash: settled by the relay's notifications, or sent again under the same id.
    const sends = await db
      .selectFrom('email_sends')
      .select(['state', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.sum<string>('attempts').as('attempts')])
      .where('workspace_id', '=', ws)
      .groupBy('state')
      .execute();
    expect(sends.map((s) => [s.state, Number(s.n)])).toEqual([['sent', profiles]]);
    const inDoubt = await db.selectFrom('email_sends').select((eb) => eb.fn.countAll<string>().as('n')).where('workspace_id', '=', ws).where('attempts', '>', 1).executeTakeFirstOrThrow();
    console.log(`crash test: ${Number(inDoubt.n)} sends found in doubt after a crash (${Number(sends[0]?.attempts ?? 0) - profiles} repeated attempts)`);

    // Metrics from durable state: every send a killed worker made is counted, once.
    const metrics = await journeyMetrics(db, null, ws, journey!.id);
    const node = (id: string) => metrics.nodes.find((n) => n.nodeId === id);
    expect(node('w1')).toMatchObject({ entered: profiles, completed: profiles });
    expect(node('msg')).toMatchObject({ entered: profiles, sent: profiles, completed: profiles, skipped: {} });
    expect(node('bye')).toMatchObject({ entered: profiles });
    expect(metrics).toMatchObject({ entered: profiles, active: 0 });
  }, 300_000);
});
