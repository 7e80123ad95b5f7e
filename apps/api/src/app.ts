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
import { topics } from './stores/invalidation';
import { TopicCache, ttlCache } from './stores/topic-cache';
import { KeyedQueue } from './kernel/keyed-queue';
import type { OnceWriter } from './kernel/once-writer';
import { LoginThrottle } from './auth/throttle';
import { firstLinkedIds } from './profiles/linked-ids';
import { createPlacementExposureWriter, type PlacementExposure } from './onsite/exposures';
import { createMessageExposureWriter, type MessageExposure } from './channels/exposures';
import { createBlockChecks, type BlockChecks } from './channels/block-checks';
import { createSendLedger, type SendLedger } from './channels/email/ledger-batches';
import { SmtpPools } from './channels/email/transport';
import { OutcomeWriter } from './channels/outcome-writer';
import { createImpressionWriter, type ImpressionWriter } from './recommendations/impression-writer';
import type { LRUCache } from 'lru-cache';

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
  /** The per-process services over the stores, built once here (`createServices`). */
  services: Services;
  close(): Promise<void>;
}

/**
 * Caches, batch writers, ledgers and pools this process keeps, one of each per app. Each is made by
 * its domain's own factory from the stores; domains reach it as `app.services.<name>`. A service whose
 * type lives beside code that takes the App handle is declared by that domain, as it declares its
 * tables (`declare module '../app' { interface Services { ... } }`); it is still built here. Tests
 * swap one for their own (a throttle with their clock) through the domain's `use...` function.
 */
export interface Services {
  /** Failed sign-ins per account and address (Redis, shared by every API process). */
  loginThrottle: LoginThrottle;
  /** Identity links of one workspace are applied one batch at a time in this process. */
  identityBatches: KeyedQueue;
  /** `$experiment_exposure` events of onsite placement variants, once per profile, off decide's path. */
  placementExposures: OnceWriter<PlacementExposure>;
  /** `$experiment_exposure` events of template variants, once per profile, off the send path. */
  messageExposures: OnceWriter<MessageExposure>;
  /** Suppression and consent checks of concurrent sends, one round trip per batch. */
  consentChecks: BlockChecks;
  /** Email sends' Message-ID ledger, batched both ways. */
  sendLedger: SendLedger;
  /** Pooled SMTP connections per workspace and settings version. */
  smtpPools: SmtpPools;
  /** Group commit of `message_events` rows. */
  outcomeWriter: OutcomeWriter;
  /** Profile id of a user or anonymous id, for recommendation requests: known ids only, a minute. */
  recommendationProfileIds: LRUCache<string, string>;
  /** Shown recommendation blocks, written a second (or 1,000 rows) at a time. */
  recommendationImpressions: ImpressionWriter;
}

interface Stores {
  config: Config;
  log: Logger;
  clickhouse: ClickHouseClient;
  postgres: PostgresStore;
  redis: Redis;
  invalidation: InvalidationBus;
}

/** Every per-process service, in dependency order; `closeServices` ends them in the reverse order. */
function createServices({ config, log, clickhouse, postgres, redis, invalidation }: Stores): Services {
  return {
    loginThrottle: new LoginThrottle(redis, config.queuePrefix),
    identityBatches: new KeyedQueue(),
    // Sends and decide read these on every message or page view; a save anywhere drops the workspace's entry.
    placementCache: new TopicCache(invalidation, topics.placements, { max: 10_000 }),
    smtpSettingsCache: new TopicCache(invalidation, topics.smtpSettings, { max: 10_000 }),
    senderCache: new TopicCache(invalidation, topics.emailSenders, { max: 10_000 }),
    templateSendCache: new TopicCache(invalidation, topics.templates, { max: 10_000 }),
    splitWinners: new TopicCache(invalidation, topics.experimentDecisions, { max: 10_000 }),
    experimentReadouts: new TopicCache(invalidation, topics.experimentReadouts, { max: 1_000 }),
    placementExposures: createPlacementExposureWriter(clickhouse, log),
    messageExposures: createMessageExposureWriter(clickhouse, log, firstLinkedIds),
    consentChecks: createBlockChecks(postgres.db),
    sendLedger: createSendLedger(postgres.db),
    smtpPools: new SmtpPools(),
    outcomeWriter: new OutcomeWriter(clickhouse),
    recommendationProfileIds: ttlCache<string>({ max: 50_000, ttlMs: 60_000 }),
    recommendationModels: new Map(),
    recommendationImpressions: createImpressionWriter(clickhouse, log),
    journeys: { runtime: null, splits: null },
  };
}

async function closeServices(services: Services): Promise<void> {
  const runtime = services.journeys.runtime;
  services.journeys.runtime = null;
  await runtime?.close();
  await services.recommendationImpressions.flush();
  services.smtpPools.close();
  await services.messageExposures.drained();
  await services.placementExposures.drained();
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
  const outbound = new OutboundGuard({ allow: config.outboundAllow });
  const services = createServices({ config, log, clickhouse, postgres, redis, invalidation });

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
    outbound,
    services,
    async close() {
      await closeServices(services);
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
