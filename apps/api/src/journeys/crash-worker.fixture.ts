// A step worker process for the crash test: the real email channel (SMTP to the test's relay), run
// state in PostgreSQL (a test schema), steps in Redis. chDB allows one process per engine, so this
// process has its own in-memory ClickHouse: the outcome rows it writes are not what the test counts.
// Usage: tsx crash-worker.fixture.ts <databaseUrl> <schema> <redisUrl> <prefix> <secret>
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app';
import { parseEnv, toConfig } from '../env';
import { createClickhouse } from '../stores/clickhouse';
import { EmailChannel } from './senders';
import { createJourneyRuntime } from './runtime';
import type { ProfileDirectory } from './profiles';

/** The crash test's profiles live nowhere: each one's address is derived from its id. */
const syntheticProfiles: ProfileDirectory = {
  resolveProfileId: async (_ws, ids) => ids.userId ?? ids.anonymousId ?? '',
  resolveProfileIds: async (_ws, people) => people.map((ids) => ids.userId ?? ids.anonymousId ?? ''),
  getProfile: async (_ws, id) => ({ id, traits: { email: `${id}@crash.example` } }),
  isInSegment: async () => false,
  hasPerformed: async () => false,
  setTrait: async () => {
    throw new Error('no profile store in this process');
  },
  segmentMembers: async () => [],
  profilesWithTrait: async () => [],
};

async function main() {
  const [databaseUrl, schema, redisUrl, prefix, secret] = process.argv.slice(2);
  if (!databaseUrl || !schema || !redisUrl || !prefix || !secret) throw new Error('usage: crash-worker <databaseUrl> <schema> <redisUrl> <prefix> <secret>');
  const config = toConfig(
    parseEnv({
      OVERTURE_DATA_DIR: mkdtempSync(join(tmpdir(), 'overture-crash-worker-')),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      OVERTURE_QUEUE_PREFIX: prefix,
      OVERTURE_SECRET: secret,
      OVERTURE_DEMO: 'false',
      // The relay is this machine's loopback listener, as in every test app.
      OUTBOUND_ALLOW: '127.0.0.1',
      LOG_LEVEL: 'error',
    }),
  );
  const app = await createApp(config, { postgresSchema: schema, clickhouse: createClickhouse({ dataDir: ':memory:' }) });
  const rt = createJourneyRuntime({
    db: app.postgres.db,
    clickhouse: null,
    redis: app.redis,
    redisUrl,
    prefix,
    appSecret: secret,
    profiles: syntheticProfiles,
    channels: { email: new EmailChannel(app) },
  });
  rt.startWorker({ concurrency: 16, lockDurationMs: 2_000 });
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
