import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['apps/*', 'packages/*', 'apps/api/vitest.own-process.config.ts'],
    // Most test files wait on stores, a browser or a child process rather than compute: two run side
    // by side even on two cores (Vitest's default would leave one core's worth idle).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
