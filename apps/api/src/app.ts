import type { Config } from './env';
import type { App, Services } from './app-handle';
import { companionClickhouse, createClickhouse, migrateClickhouse, type ClickHouseClient } from './stores/clickhouse';
import { createPostgres, migratePostgres, readInstallId, type PostgresStore } from './stores/postgres';
import { createRedis, waitReady, type Redis } from './stores/redis';
import { GroupCommitWriter } from './events/group-commit';
import { IngestLog } from './events/ingest-log';
import type { EventRow } from './events/row';
import { insertEvents } from './events/store';
import { createEventsQueue, publishEvents } from './events/queue';
import { EventBatchStore } from './events/batch-store';
import { KeyResolver } from './workspaces/key-resolver';
import { openGeoIp } from './stores/geoip';
import { createLogger, type Logger } from './logger';
import { createInvalidationBus, type InvalidationBus } from './stores/invalidation';
import { OutboundGuard } from './stores/outbound';
import { topics } from './stores/invalidation';
import { TopicCache, ttlCache } from './stores/topic-cache';
import { KeyedQueue } from './kernel/keyed-queue';
import { CoalescingRunner } from './kernel/coalescing-runner';
import { LoginThrottle } from './auth/throttle';
import { firstLinkedIds } from './profiles/linked-ids';
import { createPlacementExposureWriter } from './onsite/exposures';
import { createMessageExposureWriter } from './channels/exposures';
import { createBlockChecks } from './channels/block-checks';
import { createSendLedger } from './channels/email/ledger-batches';
import { SmtpPools } from './channels/email/transport';
import { OutcomeWriter } from './channels/outcome-writer';
import { createImpressionWriter } from './recommendations/impression-writer';
import { refreshFactsView } from './onsite/facts-index';

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
    profileRefreshes: new CoalescingRunner(),
    // Sends and decide read these on every message or page view; a save anywhere drops the workspace's entry.
    placementCache: new TopicCache(invalidation, topics.placements, { max: 10_000 }),
    smtpSettingsCache: new TopicCache(invalidation, topics.smtpSettings, { max: 10_000 }),
    senderCache: new TopicCache(invalidation, topics.emailSenders, { max: 10_000 }),
    templateSendCache: new TopicCache(invalidation, topics.templates, { max: 10_000 }),
    splitWinners: new TopicCache(invalidation, topics.experimentDecisions, { max: 10_000 }),
    experimentReadouts: new TopicCache(invalidation, topics.experimentReadouts, { max: 1_000 }),
    catalogSettingsCache: new TopicCache(invalidation, topics.catalogSettings, { max: 10_000 }),
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
    // Copies of profile facts kept by other domains, brought up to date whenever profiles or segments change them.
    factsCopies: [refreshFactsView],
  };
}

/**
 * ClickHouse query priorities (lower runs first): while an acknowledgement's look-up or insert runs,
 * the engine pauses this app's other queries (real-time consumers, the dashboard), so their CPU does
 * not stretch the ack path's latency. A client handed in from outside keeps its own settings.
 */
const queryPriority = { ingest: 1, other: 2 } as const;
/** How often inserts of rows answered from the ingest log start at most, while events keep coming. */
const pacedInsertEveryMs = 250;

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
  /** Whether this process answers ingestion (and so owns the ingest log); a worker or a CLI command does not. Default true. */
  ingest?: boolean;
}

export async function createApp(operatorConfig: Config, options: AppOptions = {}): Promise<App> {
  let config = operatorConfig;
  const log = options.logger ?? createLogger(config.logLevel);
  const geo = config.geoipDatabase ? await openGeoIp(config.geoipDatabase) : undefined;
  const ownsClickhouse = !options.clickhouse;
  const clickhouse = options.clickhouse ?? createClickhouse({ url: config.clickhouseUrl, dataDir: config.dataDir, settings: { priority: queryPriority.other } });
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
  const eventBatches = new EventBatchStore(redis, config.queuePrefix, { ttlSeconds: config.eventBatchTtlSeconds });
  eventsQueue.on('error', () => undefined);
  // Ingestion's own connection: an acknowledgement never waits behind real-time consumers' queries.
  const companion = companionClickhouse(clickhouse, { priority: queryPriority.ingest });
  const ingestClickhouse = companion ?? clickhouse;
  const writer = new GroupCommitWriter({
    insert: (rows) => insertEvents(ingestClickhouse, rows),
    // Rows answered from the ingest log are written paced: under load they gather a little longer.
    insertEveryMs: pacedInsertEveryMs,
    afterCommit: async (rows) => {
      try {
        await publishEvents(eventsQueue, eventBatches, rows);
      } catch (err) {
        log.warn('events not handed to real-time processing', { error: (err as Error).message, count: rows.length });
      }
    },
  });
  /** Ends what is built so far, in the reverse order: the writer's last inserts, then the stores. */
  const closeStores = async () => {
    await writer.drain();
    await companion?.close();
    await eventsQueue.close().catch(() => undefined);
    redis.disconnect();
    await postgres.close();
    if (ownsClickhouse) await clickhouse.close();
  };
  let ingestLog: IngestLog | null = null;
  try {
    ingestLog = await openIngestLog(config, log, options.ingest ?? true, writer);
  } catch (err) {
    await closeStores();
    throw new Error(`The ingest log in ${config.ingestLogDir} could not be opened: ${(err as Error).message}`, { cause: err });
  }
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
    eventBatches,
    writer,
    ingestLog,
    keys,
    geo,
    invalidation,
    outbound,
    services,
    async close() {
      // First: what it stores behind its acknowledgements still goes through the writer and on to real-time processing.
      await ingestLog?.close();
      await closeServices(services);
      await invalidation.close();
      await closeStores();
    },
  };
}

/**
 * The log ingestion answers from (INGEST_ACK=logged), opened only by a process that answers ingestion.
 * Opening it stores what a process that died left logged before this one acknowledges anything; a
 * process answering once stored still stores what an earlier one left there.
 */
async function openIngestLog(config: Config, log: Logger, answersIngestion: boolean, writer: GroupCommitWriter): Promise<IngestLog | null> {
  if (!answersIngestion) return null;
  const store = (rows: EventRow[]) => writer.write(rows);
  const onUnreadTail = (file: string, bytes: number) => log.warn('the end of an ingest log segment could not be read (a write the process died in, or damage); kept for inspection', { file, bytes });
  if (config.ingestAck === 'stored') {
    await IngestLog.storeLeftovers({ dir: config.ingestLogDir, store, onUnreadTail });
    return null;
  }
  return IngestLog.open({
    dir: config.ingestLogDir,
    store,
    storeBehind: (rows) => writer.write(rows, { paced: true }),
    onUnreadTail,
    onStoreError: (err, count) => log.warn('acknowledged events not stored yet; they stay logged and are retried', { error: err.message, count }),
  });
}

/** The queue prefix of this install; a config that already carries the id (another app's) keeps it. */
function withInstallId(prefix: string, installId: string): string {
  return prefix.endsWith(`:${installId}`) ? prefix : `${prefix}:${installId}`;
}
