import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'api',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test apps start PGlite from an image migrated once per run (made on first use).
    globalSetup: ['src/testing/pglite-snapshot.ts'],
  },
});
