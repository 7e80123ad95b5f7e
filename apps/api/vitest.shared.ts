export const apiTestDefaults = {
  pool: 'forks' as const,
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // Test apps start PGlite from an image migrated once per run (made on first use).
  globalSetup: ['src/testing/pglite-snapshot.ts'],
};

export const ownProcessFiles = ['src/ingest/durability.test.ts', 'src/experiments/metric-events-backfill.test.ts', 'src/events/parsed-properties.test.ts', 'src/journeys/crash.test.ts'];
