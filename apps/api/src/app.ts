import type { Queue } from 'bullmq';
import type { Config } from './env';
import { createClickhouse, migrateClickhouse, type ClickHouseClient } from './stores/clickhouse';
import { createPostgres, migratePostgres, readInstallId, type PostgresStore } from './stores/postgres';
import { createRedis, waitReady, type Redis } from './stores/redis';
import { GroupCommitWriter } from './events/group-commit';
import { insertEvents } from './events/store';
import { createEventsQueue, publishEvents, type EventsJob } from './events/queue';
import { KeyResolver } from './workspaces/key-resolver';
import { openGeoIp, type GeoLookup } from './stores/geoip';
import { createLogger, type Logger } from './logger';
import { createInvalidationBus, type InvalidationBus } from './stores/invalidation';
import { OutboundGuard } from './stores/outbound';

/** Everything a request handler or a job needs: the stores and the services over them. */
export interface App {
  config: Config;
  log: Logger;
  clickhouse: ClickHouseClient;
  postgres: PostgresStore;
  redis: Redis;
  eventsQueue: Queue<EventsJob>;
  writer: GroupCommitWriter;
  keys: KeyResolver;
  /** City-level location of an IP, when GEOIP_DATABASE is set. */
  geo: GeoLookup | undefined;
  /** Tells every process's caches that something changed (Redis pub/sub). */
  invalidation: InvalidationBus;
  /** Every request the server makes to a destination it was given (push, webhooks, SMTP) goes through it. */
  outbound: OutboundGuard;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Isolates a test's PostgreSQL tables in their own schema. */
  postgresSchema?: string;
  logger?: Logger;
  /** A ClickHouse client owned by the caller (tests share one embedded engine per process). */
  clickhouse?: ClickHouseClient;
  /** A PostgreSQL store opened by the caller (tests start PGlite from a migrated snapshot); the app closes it. */
  postgres?: PostgresStore;
}

export async function createApp(operatorConfig: Config, options: AppOptions = {}): Promise<App> {
  let config = operatorConfig;
  const log = options.logger ?? createLogger(config.logLevel);
  const geo = config.geoipDatabase ? await openGeoIp(config.geoipDatabase) : undefined;
  const ownsClickhouse = !options.clickhouse;
  const clickhouse = options.clickhouse ?? createClickhouse({ url: config.clickhouseUrl, dataDir: config.dataDir });
  const postgres = options.postgres ?? await createPostgres({ url: config.databaseUrl, dataDir: config.dataDir, ...(options.postgresSchema ? { schema: options.postgresSchema } : {}) });
  try {
    await migratePostgres(postgres.db, postgres.schema);
    await migrateClickhouse(clickhouse);
    // Every queue, worker and scheduler takes its prefix from here: two installs on one Redis never share a queue.
    config = { ...config, queuePrefix: withInstallId(config.queuePrefix, await readInstallId(postgres.db)) };
  } catch (err) {
    await postgres.close();
    if (ownsClickhouse) await clickhouse.close();
    throw err;
  }
  const redis = createRedis(config.redisUrl);
  redis.on('error', () => undefined); // state is read through redis.status; errors are reported by /healthz
  await waitReady(redis).catch(() => log.warn('Redis is not answering yet; ingestion answers 503 until it does', { url: config.redisUrl }));
  const eventsQueue = createEventsQueue(redis, config.queuePrefix);
  eventsQueue.on('error', () => undefined);
  const writer = new GroupCommitWriter({
    insert: (rows) => insertEvents(clickhouse, rows),
    afterCommit: async (rows) => {
      try {
        await publishEvents(eventsQueue, rows);
      } catch (err) {
        log.warn('events not handed to real-time processing', { error: (err as Error).message, count: rows.length });
      }
    },
  });
  const keys = new KeyResolver(postgres.db);
  const invalidation = createInvalidationBus(config.redisUrl, config.queuePrefix, (err) => log.debug('cache invalidation', { error: err.message }));

  return {
    config,
    log,
    clickhouse,
    postgres,
    redis,
    eventsQueue,
    writer,
    keys,
    geo,
    invalidation,
    outbound: new OutboundGuard({ allow: config.outboundAllow }),
    async close() {
      await invalidation.close();
      await writer.drain();
      await eventsQueue.close().catch(() => undefined);
      redis.disconnect();
      await postgres.close();
      if (ownsClickhouse) await clickhouse.close();
    },
  };
}

/** The queue prefix of this install; a config that already carries the id (another app's) keeps it. */
function withInstallId(prefix: string, installId: string): string {
  return prefix.endsWith(`:${installId}`) ? prefix : `${prefix}:${installId}`;
}
