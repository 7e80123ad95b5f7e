import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';
import { testServers } from './env';
import { createClickhouse, type ClickHouseClient } from './stores/clickhouse';
import { bundleForNode } from './testing/bundle-for-node';
import { bundledCli } from './testing/cli';
import { untilQueuesEmpty } from './testing/queues';

// Server mode as the README offers it: two `main.ts api` and two `main.ts worker` processes on one
// PostgreSQL, one Redis and one ClickHouse (chDB behind its HTTP front, itself a process), driven only
// through the public HTTP API. Identity merges race across the workers, caches live in each process.

const apiDir = join(import.meta.dirname, '..');
const servers = testServers();
const id = randomBytes(4).toString('hex');
const database = `overture_sm_${id}`;
const queuePrefix = `sm-${id}`;
const root = mkdtempSync(join(tmpdir(), 'overture-server-mode-'));
const password = 'server-mode-password';
const owner = `ops-${id}@example.com`;

/** A `node` child process whose stdout lines can be awaited. */
class Child {
  readonly proc: ChildProcess;
  readonly #lines: string[] = [];
  #waiters: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];
  readonly exited: Promise<number | null>;

  constructor(nodeArgs: string[], env: Record<string, string>, readonly name: string) {
    this.proc = spawn(process.execPath, nodeArgs, { cwd: apiDir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      const i = this.#waiters.findIndex((w) => w.match(line));
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(line);
      else this.#lines.push(line);
    });
    createInterface({ input: this.proc.stderr! }).on('line', (line) => console.error(`[${name}] ${line}`));
  }

  line(match: (l: string) => boolean): Promise<string> {
    const i = this.#lines.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#lines.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ match, resolve });
      void this.exited.then((code) => reject(new Error(`${this.name} exited (${code}) before printing the awaited line`)));
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const done = await Promise.race([this.exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!done) this.proc.kill('SIGKILL');
  }
}

async function cli(env: Record<string, string>, args: string[], input = ''): Promise<string> {
  const child = new Child([bundles.cli, ...args], env, `overture ${args[0]}`);
  child.proc.stdin!.end(input);
  const out: string[] = [];
  const collecting = (async () => {
    for (;;) out.push(await child.line(() => true));
  })().catch(() => undefined);
  const code = await child.exited;
  await collecting;
  if (code !== 0) throw new Error(`overture ${args.join(' ')} exited ${code}: ${out.join('\n')}`);
  return out.join('\n');
}

let front: Child;
/** The API and the CLI bundled once, each into one file: this test starts seven processes of them. */
let bundles: { main: string; cli: string };
let apis: Array<{ child: Child; url: string }> = [];
let workers: Child[] = [];
let clickhouse: ClickHouseClient;
let redis: Redis;
let ws: { id: string; writeKey: string; secretKey: string };
let cookie = '';

const adminUrl = servers.databaseUrl;
const databaseUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
})();

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function inDatabase<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  front = new Child(['--import', 'tsx', 'src/testing/clickhouse-front-main.ts', join(root, 'clickhouse')], { ...process.env } as Record<string, string>, 'clickhouse front');
  const [main, cliEntry] = await Promise.all([bundleForNode(join(apiDir, 'src/main.ts')), bundledCli()]);
  bundles = { main, cli: cliEntry };
  const { url: clickhouseUrl } = JSON.parse(await front.line((l) => l.startsWith('{'))) as { url: string };
  await admin((c) => c.query(`CREATE DATABASE ${database}`));
  redis = new Redis(servers.redisUrl, { maxRetriesPerRequest: 3 });
  clickhouse = createClickhouse({ url: clickhouseUrl });

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>),
    CLICKHOUSE_URL: clickhouseUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: servers.redisUrl,
    OVERTURE_QUEUE_PREFIX: queuePrefix,
    OVERTURE_DEMO: 'false',
    OVERTURE_SECRET: 'server-mode-test-secret-0123456789abcdef',
    OVERTURE_DATA_DIR: join(root, 'data'),
    LOG_LEVEL: 'warn',
    ...extra,
  });
  await cli(env(), ['migrate']);
  // The owner and workspace are created by the CLI while the servers start (each start takes seconds).
  const created = (async () => {
    await cli(env(), ['user', 'create', '--email', owner], `${password}\n`);
    ws = JSON.parse(await cli(env(), ['workspace', 'create', '--name', 'Server mode', '--owner', owner, '--json'])) as typeof ws;
  })();

  const starting = [0, 1].map(async (n) => {
    const child = new Child([bundles.main, 'api'], env({ PORT: '0', HOST: '127.0.0.1' }), `api ${n + 1}`);
    const line = await child.line((l) => l.startsWith('Overture API listening'));
    return { child, url: `http://127.0.0.1:${/:(\d+) /.exec(line)![1]}` };
  });
  workers = [0, 1].map((n) => new Child([bundles.main, 'worker'], env(), `worker ${n + 1}`));
  apis = await Promise.all(starting);
  await Promise.all(workers.map((w) => w.line((l) => l.includes('worker running'))));
  await created;
}, 180_000);

afterAll(async () => {
  await Promise.all([...apis.map((a) => a.child.stop()), ...workers.map((w) => w.stop())]);
  await clickhouse?.close();
  await front?.stop();
  if (redis) {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}, 60_000);

/** `POST` to one API process with the write key (Basic auth, as Segment clients send it). */
async function send(api: number, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${apis[api]!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${path} on api ${api + 1}: ${res.status} ${await res.text()}`);
}

async function profileVia(api: number, distinctId: string): Promise<{ id: string; userIds: string[]; anonymousIds: string[] } | null> {
  const res = await fetch(`${apis[api]!.url}/v1/profiles/${encodeURIComponent(distinctId)}`, { headers: { authorization: `Bearer ${ws.secretKey}` } });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return ((await res.json()) as { profile: { id: string; userIds: string[]; anonymousIds: string[] } }).profile;
}

async function trpc<T>(api: number, path: string, input: unknown): Promise<T> {
  const res = await fetch(`${apis[api]!.url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} on api ${api + 1}: ${res.status} ${text}`);
  if (!cookie && res.headers.get('set-cookie')) cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

/** Waits until no BullMQ queue of this install holds work: every event sent so far has been consumed. */
async function drained(): Promise<void> {
  await untilQueuesEmpty(redis, queuePrefix, process.env.DEBUG_DRAIN ? { log: console.log } : {});
}

async function countEvents(filter = ''): Promise<number> {
  const r = await clickhouse.query({ query: `SELECT count() AS n FROM events WHERE workspace_id = {ws:String} ${filter}`, query_params: { ws: ws.id }, format: 'JSONEachRow' });
  return Number(((await r.json()) as Array<{ n: string }>)[0]!.n);
}

describe('server mode: 2 API + 2 worker processes on PostgreSQL, Redis and one ClickHouse', { timeout: 120_000 }, () => {
  const people = 30;
  const person = (i: number) => ({ user: `user-${i}`, web: `anon-web-${i}`, app: `anon-app-${i}`, old: `anon-old-${i}` });

  it('links each person into exactly one profile however the ids race across processes, losing no event', async () => {
    let sent = 0;
    // Each person shows up on two devices, one per API process, and logs in on both at the same
    // time; an alias from an older anonymous id arrives through the other process. The two workers
    // consume these batches concurrently, so one person's merges run in two processes at once.
    const requests: Array<Promise<void>> = [];
    for (let i = 0; i < people; i++) {
      const p = person(i);
      requests.push(
        send(0, '/v1/batch', { batch: [{ type: 'track', anonymousId: p.web, event: 'Viewed' }, { type: 'identify', anonymousId: p.web, userId: p.user, traits: { n: i } }] }),
        send(1, '/v1/batch', { batch: [{ type: 'track', anonymousId: p.app, event: 'Viewed' }, { type: 'identify', anonymousId: p.app, userId: p.user }] }),
        send(i % 2, '/v1/track', { anonymousId: p.old, event: 'Viewed' }),
        send((i + 1) % 2, '/v1/alias', { previousId: p.old, userId: p.user }),
      );
      sent += 6;
    }
    await Promise.all(requests);
    await drained();

    expect(await countEvents()).toBe(sent);
    const split: string[] = [];
    for (let i = 0; i < people; i++) {
      const p = person(i);
      const seen = new Set<string>();
      for (const [n, distinctId] of [p.user, p.web, p.app, p.old].entries()) seen.add((await profileVia(n % 2, distinctId))?.id ?? 'none');
      // An alias's previous id may count as a user id or an anonymous one; either way it is this person's.
      const profile = await profileVia(i % 2, p.user);
      const ids = [...(profile?.userIds ?? []), ...(profile?.anonymousIds ?? [])].sort().join(', ');
      if (seen.size !== 1 || ids !== [p.app, p.old, p.user, p.web].sort().join(', ')) split.push(`${p.user}: profiles ${[...seen].join(', ')}; ids ${ids}`);
    }
    expect(split, `${split.length} of ${people} people are not one profile`).toEqual([]);
  });

  it('enters a journey once per event across the two workers, and an archive through one API stops entries in every worker', async () => {
    await trpc(0, 'auth.login', { email: owner, password });
    const journey = await trpc<{ id: string }>(0, 'journeys.create', {
      workspaceId: ws.id,
      name: 'Go',
      draft: { trigger: { type: 'event', event: 'Go' }, entry: { frequency: 'every_time' }, start: 'out', nodes: [{ id: 'out', type: 'exit' }] },
    });
    await trpc(1, 'journeys.publish', { workspaceId: ws.id, journeyId: journey.id });
    // Runs are the source of truth in PostgreSQL (the ClickHouse timeline is written in the background).
    const entries = async () =>
      (
        await inDatabase((c) =>
          c.query<{ runs: number; entered: number }>(
            `SELECT (SELECT count(*)::int FROM journey_runs WHERE journey_id = $1) AS runs, (SELECT entered::int FROM journeys WHERE id = $1) AS entered`,
            [journey.id],
          ),
        )
      ).rows[0]!;

    const goes: Array<Promise<void>> = [];
    for (let i = 0; i < people; i++) for (const api of [0, 1]) goes.push(send(api, '/v1/track', { userId: person(i).user, event: 'Go', properties: { api } }));
    await Promise.all(goes);
    await drained();
    expect(await countEvents(`AND event = 'Go'`)).toBe(people * 2);
    expect(await entries()).toEqual({ runs: people * 2, entered: people * 2 });

    // Archived through the other API process: both workers must stop entering at once.
    await trpc(1, 'journeys.setStatus', { workspaceId: ws.id, journeyId: journey.id, action: 'archive' });
    const more: Array<Promise<void>> = [];
    for (let i = 0; i < people; i++) more.push(send(i % 2, '/v1/track', { userId: person(i).user, event: 'Go' }));
    await Promise.all(more);
    await drained();
    expect(await entries()).toEqual({ runs: people * 2, entered: people * 2 });
  });

  it('an onsite placement saved through one API process is decided by the other within a second', async () => {
    const decide = async (api: number) => {
      const res = await fetch(`${apis[api]!.url}/v1/decide`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ writeKey: ws.writeKey, anonymousId: person(0).web, url: 'https://shop.example/' }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { placements: Array<{ html?: string; content?: string }> }).placements.map((p) => JSON.stringify(p));
    };
    if (!cookie) await trpc(0, 'auth.login', { email: owner, password });
    // Each API process has now cached the workspace's (empty) placements.
    expect(await decide(0)).toEqual([]);
    expect(await decide(1)).toEqual([]);

    await trpc(0, 'onsite.save', { workspaceId: ws.id, placement: { name: 'Spring', kind: 'top_bar', content: 'Spring sale' } });
    const saved = Date.now();
    let seenAfter = -1;
    while (Date.now() - saved < 1000) {
      if ((await decide(1)).some((p) => p.includes('Spring sale'))) {
        seenAfter = Date.now() - saved;
        break;
      }
      await sleep(20);
    }
    console.log(`placement seen by the other API process after ${seenAfter} ms`);
    expect(seenAfter).toBeGreaterThanOrEqual(0);
  });
});
