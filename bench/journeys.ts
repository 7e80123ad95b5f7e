// pnpm bench:journeys [--profiles=100000] [--concurrency=128]
// Runs N profiles through an event-triggered journey (wait 1 s → condition → message to a counting
// sink) on the real engine: run state in PostgreSQL, steps as BullMQ jobs in Redis, step counters into
// ClickHouse (chDB). In the same run, on the same Redis, it measures bare BullMQ (add + no-op
// processing) as the baseline, and the Redis memory a profile costs while it waits.
// Profiles come from an in-memory directory: the profile store is not what this measures.
// Uses PostgreSQL (DATABASE_URL, default the local `test` db) in a fresh schema, and a unique Redis prefix;
// both are removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Pipeline, Redis } from 'ioredis';
import { sql, type KyselyPlugin } from 'kysely';
import { createApp, createJourney, createJourneyRuntime, createWorkspace, consumeJourneyEvents, parseEnv, publishJourney, toConfig, type ProfileDirectory } from '@overture/api';
import type { Channel, OutgoingMessage, ProfileView } from '@overture/journeys';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const profiles = Number(args.get('profiles') ?? 100_000);
const concurrency = Number(args.get('concurrency') ?? 128);
const waitingSample = Number(args.get('waiting') ?? 10_000);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const round = (n: number, d = 0) => Number(n.toFixed(d));

/** Counts what it receives, once per idempotency key. */
class CountingSink implements Channel {
  readonly name = 'onsite' as const;
  readonly idempotent = true;
  readonly keys = new Set<string>();
  reachable(): true {
    return true;
  }
  async send(m: OutgoingMessage) {
    this.keys.add(m.idempotencyKey);
    return { status: 'sent' as const };
  }
}

function memoryProfiles(): ProfileDirectory {
  const view = (id: string): ProfileView => ({ id, traits: { plan: Number(id.slice(2)) % 2 ? 'pro' : 'free' }, timezone: 'UTC' });
  return {
    resolveProfileId: async (_ws, ids) => `p_${ids.userId ?? ids.anonymousId}`,
    resolveProfileIds: async (_ws, people) => people.map((ids) => `p_${ids.userId ?? ids.anonymousId}`),
    getProfile: async (_ws, id) => view(id),
    isInSegment: async () => false,
    hasPerformed: async () => false,
    setTrait: async () => undefined,
    segmentMembers: async () => [],
    profilesWithTrait: async () => [],
  };
}

/** What the journey phase costs the stores: statements run on PostgreSQL, round trips made to Redis. */
const trips = { pg: 0, redis: 0, counting: false };
const countStatements: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    if (trips.counting) trips.pg++;
    return args.result;
  },
};
function countRedisRoundTrips() {
  // A command sent with a stream is part of a pipeline, which is counted once when it is executed.
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    if (trips.counting && !args[1]) trips.redis++;
    return send.apply(this, args);
  } as Redis['sendCommand'];
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function (this: Pipeline, ...args: Parameters<Pipeline['exec']>) {
    if (trips.counting) trips.redis++;
    return exec.apply(this, args);
  } as Pipeline['exec'];
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function prefixBytes(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let total = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) {
      const p = redis.pipeline();
      for (const k of keys) p.memory('USAGE', k, 'SAMPLES', '0');
      for (const [, v] of (await p.exec()) ?? []) total += Number(v ?? 0);
    }
  } while (cursor !== '0');
  return total;
}

async function dropPrefix(redis: Redis, prefix: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Bare BullMQ: add N jobs in bulk while a worker with the same concurrency does nothing with them. */
async function baseline(prefix: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('baseline', { connection, prefix, defaultJobOptions: { removeOnComplete: true } });
  let done = 0;
  const worker = new Worker('baseline', async () => void done++, { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency });
  const t = performance.now();
  for (let i = 0; i < profiles; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, profiles - i) }, (_, k) => ({ name: 'b', data: { r: `${i + k}`, s: 0 }, opts: { jobId: `b${i + k}` } })));
  }
  await until(() => done >= profiles, 600_000, 'baseline jobs');
  const seconds = (performance.now() - t) / 1000;
  await worker.close();
  await queue.close();
  connection.disconnect();
  return profiles / seconds;
}

const liveEvent = (workspaceId: string, user: string, event: string) => ({
  workspaceId,
  messageId: randomUUID(),
  type: 'track',
  event,
  distinctId: user,
  anonymousId: '',
  userId: user,
  previousId: '',
  timestamp: new Date().toISOString(),
  properties: '{}',
  traits: '{}',
});

async function main() {
  const id = randomBytes(4).toString('hex');
  const prefix = `bench-journeys-${id}`;
  const schema = `bench_journeys_${id}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'overture-bench-journeys-'));
  const config = toConfig(parseEnv({ OVERTURE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, OVERTURE_QUEUE_PREFIX: prefix, OVERTURE_SECRET: randomBytes(32).toString('hex'), OVERTURE_DEMO: 'false', LOG_LEVEL: 'warn' }));
  const app = await createApp(config, { postgresSchema: schema });
  const admin = new Redis(redisUrl);
  try {
    log(`baseline: ${profiles} bare BullMQ jobs, concurrency ${concurrency}`);
    const baselineJobsPerS = await baseline(`${prefix}-baseline`);
    await dropPrefix(admin, `${prefix}-baseline`);
    log(`baseline_jobs_per_s=${round(baselineJobsPerS)}`);

    countRedisRoundTrips();
    const db = app.postgres.db.withPlugin(countStatements);
    const ws = await createWorkspace(app.postgres.db, 'bench');
    const sink = new CountingSink();
    let steps = 0;
    const rt = createJourneyRuntime({ db, clickhouse: app.clickhouse, redis: app.redis, redisUrl, prefix, appSecret: config.secret, profiles: memoryProfiles(), channels: { onsite: sink }, log: app.log, onNodes: (n) => void (steps += n) });
    const journey = await createJourney(app.postgres.db, ws.id, 'bench', {
      trigger: { type: 'event', event: 'Bench Started' },
      entry: { frequency: 'once' },
      start: 'wait',
      nodes: [
        { id: 'wait', type: 'wait', seconds: 1, next: 'plan' },
        { id: 'plan', type: 'condition', branches: [{ name: 'pro', when: [{ kind: 'trait', filter: { property: 'plan', op: 'eq', value: 'pro' } }], next: 'pro-msg' }], otherwise: 'free-msg' },
        { id: 'pro-msg', type: 'message', channel: 'onsite', template: 'pro', next: null },
        { id: 'free-msg', type: 'message', channel: 'onsite', template: 'free', next: null },
      ],
    });
    await publishJourney(app.postgres.db, ws.id, journey.id);
    await sql`insert into journey_settings (workspace_id, settings) values (${ws.id}, ${JSON.stringify({ quietHours: null })})`.execute(app.postgres.db);
    rt.startWorker({ concurrency });

    log(`journey: ${profiles} profiles, wait 1 s → condition → message`);
    trips.counting = true;
    const t = performance.now();
    const batches: string[][] = [];
    for (let i = 0; i < profiles; i += 1000) batches.push(Array.from({ length: Math.min(1000, profiles - i) }, (_, k) => `u${i + k}`));
    // Four feeders, like the events worker's concurrency.
    const feed = async () => {
      for (let b = batches.shift(); b; b = batches.shift()) await consumeJourneyEvents(rt, db, b.map((u) => liveEvent(ws.id, u, 'Bench Started')));
    };
    await Promise.all([feed(), feed(), feed(), feed()]);
    log(`entered in ${round((performance.now() - t) / 1000, 1)} s`);
    await until(() => sink.keys.size >= profiles, 900_000, 'every message');
    const seconds = (performance.now() - t) / 1000;
    trips.counting = false;
    const stepsPerS = steps / seconds;
    log(`${steps} steps in ${round(seconds, 1)} s`);

    // Memory while waiting: a second journey whose profiles all sit in a one-hour wait.
    const waiting = await createJourney(app.postgres.db, ws.id, 'waiting', {
      trigger: { type: 'event', event: 'Bench Waiting' },
      start: 'wait',
      nodes: [{ id: 'wait', type: 'wait', seconds: 3600, next: null }],
    });
    await publishJourney(app.postgres.db, ws.id, waiting.id);
    await rt.close();
    await dropPrefix(admin, prefix);
    const rt2 = createJourneyRuntime({ db: app.postgres.db, clickhouse: null, redis: app.redis, redisUrl, prefix, appSecret: config.secret, profiles: memoryProfiles(), channels: {} });
    rt2.startWorker({ concurrency });
    const before = await prefixBytes(admin, prefix);
    for (let i = 0; i < waitingSample; i += 1000) {
      await consumeJourneyEvents(rt2, app.postgres.db, Array.from({ length: Math.min(1000, waitingSample - i) }, (_, k) => liveEvent(ws.id, `w${i + k}`, 'Bench Waiting')));
    }
    const waitingRuns = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from journey_runs where journey_id = ${waiting.id} and status = 'waiting'`.execute(app.postgres.db)).rows[0]?.n ?? 0);
    await until(async () => (await waitingRuns()) >= waitingSample, 300_000, 'profiles waiting');
    await new Promise((r) => setTimeout(r, 500));
    const bytesPerWaiting = ((await prefixBytes(admin, prefix)) - before) / waitingSample;
    await rt2.close();

    console.log(`profiles=${profiles}`);
    console.log(`concurrency=${concurrency}`);
    console.log(`steps=${steps}`);
    console.log(`seconds=${round(seconds, 2)}`);
    console.log(`steps_per_s=${round(stepsPerS)}`);
    console.log(`baseline_jobs_per_s=${round(baselineJobsPerS)}`);
    console.log(`ratio=${round(stepsPerS / baselineJobsPerS, 3)}`);
    console.log(`pg_statements_per_profile=${round(trips.pg / profiles, 3)}`);
    console.log(`redis_round_trips_per_profile=${round(trips.redis / profiles, 3)}`);
    console.log(`redis_bytes_per_waiting_profile=${round(bytesPerWaiting)}`);
  } finally {
    await dropPrefix(admin, prefix).catch(() => undefined);
    await dropPrefix(admin, `${prefix}-baseline`).catch(() => undefined);
    admin.disconnect();
    await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(app.postgres.db).catch(() => undefined);
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
