// A step worker process for the crash test: the real email channel (SMTP to the test's relay), run
// state in PostgreSQL (a test schema), steps in Redis, outcome rows in the test's one ClickHouse
// (a migrated engine behind its HTTP front, so a worker's start-up loads no engine of its own).
// Usage: tsx crash-worker.fixture.ts <databaseUrl> <schema> <redisUrl> <prefix> <secret> <clickhouseUrl>
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app';
import { parseEnv, toConfig } from '../env';
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
  const [databaseUrl, schema, redisUrl, prefix, secret, clickhouseUrl] = process.argv.slice(2);
  if (!databaseUrl || !schema || !redisUrl || !prefix || !secret || !clickhouseUrl) throw new Error('usage: crash-worker <databaseUrl> <schema> <redisUrl> <prefix> <secret> <clickhouseUrl>');
  const config = toConfig(
    parseEnv({
      OVERTURE_DATA_DIR: mkdtempSync(join(tmpdir(), 'overture-crash-worker-')),
      DATABASE_URL: databaseUrl,
      CLICKHOUSE_URL: clickhouseUrl,
      REDIS_URL: redisUrl,
      OVERTURE_QUEUE_PREFIX: prefix,
      OVERTURE_SECRET: secret,
      OVERTURE_DEMO: 'false',
      // The relay is this machine's loopback listener, as in every test app.
      OUTBOUND_ALLOW: '127.0.0.1',
      LOG_LEVEL: 'error',
    }),
  );
  const app = await createApp(config, { postgresSchema: schema });
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
