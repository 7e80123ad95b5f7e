import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { browserBuildOptions, captureBuildOptions } from '../build';

// Size budgets, as mature SDKs gate theirs in CI (minified, gzip -9): the script every page loads
// before its first event, and the deep behaviour module it fetches afterwards.
const budgets: Array<[string, BuildOptions, number]> = [
  ['core script (/sdk.js)', browserBuildOptions, 4500],
  ['deep capture module (/sdk/capture.js)', captureBuildOptions, 3000],
];

describe('browser bundles', () => {
  for (const [name, options, budget] of budgets) {
    it(`${name} stays within ${budget} bytes gzipped`, async () => {
      const out = await build(options);
      const code = out.outputFiles![0]!.contents;
      const gzipped = gzipSync(code, { level: 9 }).length;
      console.log(`${name}: ${code.length} bytes minified, ${gzipped} bytes gzip -9 (budget ${budget})`);
      expect(gzipped).toBeGreaterThan(1000);
      expect(gzipped).toBeLessThanOrEqual(budget);
    });
  }
});
