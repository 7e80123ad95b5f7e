import { z } from 'zod';
import { join, resolve } from 'node:path';
import { ownRedisUrl } from './stores/redis-socket';
import { parseAllowList } from './stores/outbound/addresses';
import { defaultSecretFile, persistentSecret } from './secret-file';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  OVERTURE_DATA_DIR: z.string().default('.data'),
  PUBLIC_URL: z.url().optional(),
  CLICKHOUSE_URL: z.url().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  REDIS_URL: z.string().regex(/^(rediss?:\/\/|(redis\+)?unix:\/\/\/)/, 'must be a redis://, rediss:// or unix:///path URL').optional(),
  OVERTURE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  OVERTURE_SECRET_FILE: z.string().optional(),
  XDG_CONFIG_HOME: z.string().optional(),
  OVERTURE_DEMO: bool.default(true),
  OVERTURE_WORKER: bool.default(true),
  OVERTURE_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:-]+$/, 'letters, digits, _, - and :').default('overture'),
  // When a request's events are acknowledged: once flushed to the local ingest log (stored behind it), or once stored.
  INGEST_ACK: z.enum(['logged', 'stored']).optional(),
  INGEST_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  DASHBOARD_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  GEOIP_DATABASE: z.string().optional(),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  DECIDE_BUDGET_MS: z.coerce.number().int().min(0).max(60_000).default(10),
  // How often the worker rebuilds every workspace's recommendation models (for_you follows behaviour within it).
  RECS_REFRESH_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  // How often the worker re-weights the variants of experiments that run as bandits.
  BANDIT_REWEIGHT_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  // How long a committed batch waits in Redis for its real-time consumer steps (a worker that is down, a step retried) before it expires.
  EVENT_BATCH_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(168),
  OUTBOUND_ALLOW: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseAllowList(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .transform((v) => v.split(',').map((e) => e.trim()).filter(Boolean)),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string;
  clickhouseUrl: string | undefined;
  databaseUrl: string | undefined;
  /** REDIS_URL, or the unix socket of the Redis an embedded start launches under the data dir. */
  redisUrl: string;
  /** No REDIS_URL: `pnpm start` launches its own redis-server at `redisUrl`. */
  ownRedis: boolean;
  /** Signs session cookies and tracked links; generated into a file outside the working directory when not given. */
  secret: string;
  demo: boolean;
  /** Whether `pnpm start` runs the background worker beside the API (off: events wait in Redis for a worker). */
  worker: boolean;
  /** OVERTURE_QUEUE_PREFIX; createApp joins it with the install id, so its `config.queuePrefix` is `<prefix>:<installId>`. */
  queuePrefix: string;
  maxBodyBytes: number;
  /**
   * INGEST_ACK: `logged` answers ingestion once the events are flushed to a write-ahead log under the
   * data dir and stores them behind it; `stored` answers once the event store holds them. Defaults to
   * `logged` with the embedded event store (the log lies on the same disk) and `stored` with a server.
   */
  ingestAck: 'logged' | 'stored';
  ingestLogDir: string;
  logLevel: Env['LOG_LEVEL'];
  /** Built dashboard (Vite output) served at `/`. */
  dashboardDir: string;
  /** A MaxMind City database (.mmdb) for city-level location; without it, the country comes from the time zone. */
  geoipDatabase: string | undefined;
  /** Proxies in front of the API that append to X-Forwarded-For; 0 = the socket's address is the client's. */
  trustProxyHops: number;
  /** How long `POST /v1/decide` waits for a visitor's profile facts before answering without them. */
  decideBudgetMs: number;
  /** RECS_REFRESH_MINUTES: how often the worker rebuilds every workspace's recommendation models. */
  recsRefreshMinutes: number;
  /** BANDIT_REWEIGHT_MINUTES: how often bandit experiments' variants are re-weighted. */
  banditReweightMinutes: number;
  /** EVENT_BATCH_TTL_HOURS, in seconds: how long a stored batch outlives steps that never finish. */
  eventBatchTtlSeconds: number;
  /** Private, loopback or other internal destinations the server may still call (SMTP relay, internal webhooks). */
  outboundAllow: string[];
}

export class ConfigError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

function secretFromFile(env: Env, dataDir: string): string {
  try {
    return persistentSecret(resolve(env.OVERTURE_SECRET_FILE ?? defaultSecretFile(dataDir, env.XDG_CONFIG_HOME)), dataDir);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

export function toConfig(env: Env): Config {
  const dataDir = resolve(env.OVERTURE_DATA_DIR);
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    clickhouseUrl: env.CLICKHOUSE_URL,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL ?? ownRedisUrl(dataDir),
    ownRedis: !env.REDIS_URL,
    secret: env.OVERTURE_SECRET ?? secretFromFile(env, dataDir),
    demo: env.OVERTURE_DEMO,
    worker: env.OVERTURE_WORKER,
    queuePrefix: env.OVERTURE_QUEUE_PREFIX,
    maxBodyBytes: env.INGEST_MAX_BODY_BYTES,
    ingestAck: env.INGEST_ACK ?? (env.CLICKHOUSE_URL ? 'stored' : 'logged'),
    ingestLogDir: join(dataDir, 'ingest-log'),
    logLevel: env.LOG_LEVEL,
    dashboardDir: resolve(env.DASHBOARD_DIR ?? join(import.meta.dirname, '../../dashboard/dist')),
    geoipDatabase: env.GEOIP_DATABASE ? resolve(env.GEOIP_DATABASE) : undefined,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    decideBudgetMs: env.DECIDE_BUDGET_MS,
    recsRefreshMinutes: env.RECS_REFRESH_MINUTES,
    banditReweightMinutes: env.BANDIT_REWEIGHT_MINUTES,
    eventBatchTtlSeconds: env.EVENT_BATCH_TTL_HOURS * 3600,
    outboundAllow: env.OUTBOUND_ALLOW,
  };
}

/** The one place that reads process.env. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  return toConfig(parseEnv(source));
}

/** Where tests find the real servers of the CI machine. */
export function testServers(source: Record<string, string | undefined> = process.env) {
  return {
    databaseUrl: source.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: source.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    /** Replays a crash test's kill schedule (it prints the seed it used). */
    crashSeed: source.CRASH_TEST_SEED,
  };
}
