import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { browserBuildOptions } from '../build';

// The size budget, as mature SDKs gate theirs in CI: the whole capture SDK, minified, gzip -9.
const budget = 6000;

describe('browser bundle', () => {
  it(`stays within ${budget} bytes gzipped`, async () => {
    const out = await build(browserBuildOptions);
    const code = out.outputFiles![0]!.contents;
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`sdk bundle: ${code.length} bytes minified, ${gzipped} bytes gzip -9 (budget ${budget})`);
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThanOrEqual(budget);
  });
});
