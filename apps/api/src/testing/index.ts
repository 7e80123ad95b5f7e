import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import pg from 'pg';
import { testServers, toConfig, parseEnv, type Config } from '../env';
import { createApp } from '../app';
import type { App } from '../app-handle';
import { createClickhouse, type ClickHouseClient } from '../stores/clickhouse';
import { createHttpServer, listen } from '../http/server';
import { extraRoutes } from '../http/routes';
import { startWorker, type RunningWorker } from '../worker/worker';
import { createWorkspace, type CreatedWorkspace } from '../workspaces';
import { createUser } from '../auth';
import { createLogger } from '../logger';
import { useJourneyRuntime, type JourneyRuntime } from '../journeys';
import { createRedis, waitReady } from '../stores/redis';
import { openTestPglite } from './pglite-snapshot';

export type { App } from '../app-handle';
export type { CreatedWorkspace } from '../workspaces';
export { untilQueuesEmpty, type UntilQueuesEmptyOptions } from './queues';

let sharedClickhouse: { client: ClickHouseClient; dir: string } | null = null;

/** chDB allows one engine per process, so every test app of a test file shares one, isolated by workspace. */
export function testClickhouse(): { client: ClickHouseClient; dir: string } {
  if (!sharedClickhouse) {
    const dir = mkdtempSync(join(tmpdir(), 'overture-ch-'));
    sharedClickhouse = { client: createClickhouse({ dataDir: dir }), dir };
  }
  return sharedClickhouse;
}

export interface TestAppOptions {
  /**
   * Which PostgreSQL: the machine's server in a fresh schema (the default: a new schema migrates in a
   * fraction of the time an embedded engine takes to start), or embedded PGlite in memory, which the
   * store conformance suite, the CLI and the embedded-start tests cover.
   */
  postgres?: 'pglite' | 'postgres';
  env?: Record<string, string>;
}

export interface TestApp extends App {
  /** Redis key prefix of this app's queues (OVERTURE_QUEUE_PREFIX joined with the install id). */
  queuePrefix: string;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const servers = testServers();
  const usePglite = options.postgres === 'pglite';
  const id = randomBytes(6).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'overture-test-'));
  const config: Config = toConfig(
    parseEnv({
      OVERTURE_DATA_DIR: dataDir,
      OVERTURE_SECRET: randomBytes(32).toString('hex'),
      REDIS_URL: servers.redisUrl,
      OVERTURE_QUEUE_PREFIX: `test-${id}`,
      OVERTURE_DEMO: 'false',
      LOG_LEVEL: 'error',
      // Tests assert what a profile sees; under CI load a look-up may take longer than production's budget.
      DECIDE_BUDGET_MS: '10000',
      // Tests' SMTP sinks, push services and webhook receivers listen on loopback; a test of the guard itself sets its own list.
      OUTBOUND_ALLOW: '127.0.0.1',
      // Tests read what an acknowledged event changed at once; the log's own tests acknowledge from it.
      INGEST_ACK: 'stored',
      ...(usePglite ? {} : { DATABASE_URL: servers.databaseUrl }),
      ...options.env,
    }),
  );
  if (usePglite) config.dataDir = 'memory://';
  const schema = usePglite ? undefined : `t_${id}`;
  const app = await createApp(config, {
    clickhouse: testClickhouse().client,
    logger: createLogger(config.logLevel),
    ...(schema ? { postgresSchema: schema } : config.databaseUrl ? {} : { postgres: await openTestPglite() }),
  });
  const close = app.close;
  const queuePrefix = app.config.queuePrefix;
  return Object.assign(app, {
    queuePrefix,
    async close() {
      const keys = await app.redis.keys(`${queuePrefix}:*`).catch(() => [] as string[]);
      if (keys.length) await app.redis.del(...keys).catch(() => undefined);
      // The schema goes once the app has stopped: closing flushes buffered writes into its tables.
      await close();
      if (schema) await dropSchema(servers.databaseUrl, schema);
    },
  });
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  try {
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } catch {
    // A schema left behind costs only disk space on a test server.
  } finally {
    await admin.end().catch(() => undefined);
  }
}

export interface TestServer {
  app: TestApp;
  url: string;
  server: Server;
  workspace: CreatedWorkspace;
  close(): Promise<void>;
}

/** The real HTTP server on a random port, with a fresh workspace and (optionally) the worker. */
export async function startTestServer(
  options: TestAppOptions & { worker?: boolean; journeyChannels?: (app: App) => JourneyRuntime['deps']['channels'] } = {},
): Promise<TestServer> {
  const app = await createTestApp(options);
  if (options.journeyChannels) useJourneyRuntime(app, { channels: options.journeyChannels(app) });
  const server = createHttpServer(app, extraRoutes);
  const port = await listen(server, 0, '127.0.0.1');
  const workspace = await createWorkspace(app.postgres.db, `test-${randomBytes(3).toString('hex')}`);
  const worker: RunningWorker | null = options.worker ? startWorker(app) : null;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    server,
    workspace,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await worker?.close();
      await app.close();
    },
  };
}

/** Removes the queue keys a process left under `prefix` (runs whose worker never drained them). */
export async function deleteQueueKeys(prefix: string, redisUrl = testServers().redisUrl): Promise<void> {
  const redis = createRedis(redisUrl);
  try {
    await waitReady(redis);
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}

/**
 * Posts events to the server's `/v1/batch` with its workspace's write key (HTTP Basic, as Segment
 * clients send it); an event without a `messageId` gets one.
 */
export function postBatch(server: Pick<TestServer, 'url' | 'workspace'>, batch: Array<Record<string, unknown>>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${server.workspace.writeKey}:`).toString('base64')}`, ...headers },
    body: JSON.stringify({ batch: batch.map((e) => ({ messageId: randomUUID(), ...e })) }),
  });
}

/** A dashboard user who is a member of the given workspaces. */
export async function createTestUser(app: App, workspaceIds: string[], email = `u-${randomBytes(4).toString('hex')}@example.com`) {
  const password = 'correct horse battery';
  const user = await createUser(app.postgres.db, email, password);
  for (const id of workspaceIds) {
    await app.postgres.db.insertInto('memberships').values({ user_id: user.id, workspace_id: id, role: 'owner' }).execute();
  }
  return { ...user, password };
}

export { createWorkspace };
