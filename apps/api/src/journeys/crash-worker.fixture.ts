// A step worker process for the crash test: PostgreSQL (a test schema) and Redis only, no ClickHouse
// (chDB allows one process per engine). Usage: tsx crash-worker.fixture.ts <databaseUrl> <schema> <redisUrl> <prefix>
import { Redis } from 'ioredis';
import { createPostgres } from '../stores/postgres';
import { createJourneyRuntime } from './runtime';
import { testSinkChannels } from './channels';
import type { ProfileDirectory } from './profiles';

/** Profiles are not available without ClickHouse: the crash-test journey needs none. */
const noProfiles: ProfileDirectory = {
  resolveProfileId: async (_ws, ids) => ids.userId ?? ids.anonymousId ?? '',
  getProfile: async () => null,
  isInSegment: async () => false,
  hasPerformed: async () => false,
  setTrait: async () => {
    throw new Error('no profile store in this process');
  },
  segmentMembers: async () => [],
  profilesWithTrait: async () => [],
};

async function main() {
  const [databaseUrl, schema, redisUrl, prefix] = process.argv.slice(2);
  if (!databaseUrl || !schema || !redisUrl || !prefix) throw new Error('usage: crash-worker <databaseUrl> <schema> <redisUrl> <prefix>');
  const postgres = await createPostgres({ url: databaseUrl, schema });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const rt = createJourneyRuntime({
    db: postgres.db,
    clickhouse: null,
    redis,
    redisUrl,
    prefix,
    appSecret: 'crash-test-secret-crash-test-secret',
    profiles: noProfiles,
    channels: testSinkChannels(postgres.db, ['onsite']),
  });
  rt.startWorker({ concurrency: 16, lockDurationMs: 2_000 });
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
