import type { App } from '../app-handle';
import { clickhouseHealth } from '../stores/clickhouse';
import { postgresHealth } from '../stores/postgres';
import { redisHealth } from '../stores/redis';

export async function health(app: App) {
  const [clickhouse, postgres, redis] = await Promise.all([
    clickhouseHealth(app.clickhouse),
    postgresHealth(app.postgres.db),
    redisHealth(app.redis),
  ]);
  const stores = {
    clickhouse: { ...clickhouse, mode: app.config.clickhouseUrl ? 'server' : 'embedded (chDB)' },
    postgres: { ...postgres, mode: app.postgres.kind === 'postgres' ? 'server' : 'embedded (PGlite)' },
    redis: { ...redis, url: app.config.redisUrl.replace(/\/\/[^@]*@/, '//***@') },
  };
  // Events acknowledged from the ingest log that the event store has not taken yet.
  const ingest = app.ingestLog
    ? { ack: 'logged', unstoredBytes: app.ingestLog.unstoredBytes, storeFailing: app.ingestLog.storeFailing }
    : { ack: 'stored' };
  return { ok: clickhouse.ok && postgres.ok && redis.ok, stores, ingest };
}
