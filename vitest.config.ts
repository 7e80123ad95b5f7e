import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that need a process of their own are among the longest (the crash test above all); queued
 * after the shared-process ones, as Vitest orders projects, they would run on after the rest has ended.
 */
class OwnProcessFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const own = (f: TestSpecification) => f.project.name === 'api-own-process';
    return [...sorted.filter(own), ...sorted.filter((f) => !own(f))];
  }
}

export default defineConfig({
  test: {
    projects: ['apps/*', 'packages/*', 'apps/api/vitest.own-process.config.ts'],
    // Most test files wait on stores, a browser or a child process rather than compute: two run side
    // by side even on two cores (Vitest's default would leave one core's worth idle).
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: OwnProcessFirst },
  },
});
