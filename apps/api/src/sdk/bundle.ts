import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { browserBuildOptions, version } from '@overture/sdk/build';

export interface SdkBundle {
  code: Buffer;
  /** gzip -9 of `code`, served to clients that accept it. */
  gzip: Buffer;
  hash: string;
  version: string;
  /** Path segment of the long-cached URL: `/sdk/<tag>/sdk.js`. */
  tag: string;
}

let building: Promise<SdkBundle> | undefined;

/** Builds the browser script from the SDK's sources (esbuild, ~20 ms). */
export async function buildSdkBundle(): Promise<SdkBundle> {
  const out = await build(browserBuildOptions);
  const file = out.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no SDK bundle');
  const code = Buffer.from(file.contents);
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  return { code, gzip: gzipSync(code, { level: 9 }), hash, version, tag: `v${version}-${hash.slice(0, 8)}` };
}

/** The bundle is built once per process, on first use, and served from memory afterwards. */
export function sdkBundle(): Promise<SdkBundle> {
  building ??= buildSdkBundle().catch((err: unknown) => {
    building = undefined;
    throw err;
  });
  return building;
}
