import { browserBuildOptions, version } from '@overture/sdk/build';
import { builtScript, type ScriptAsset } from './assets';

export interface SdkBundle extends ScriptAsset {
  version: string;
  /** Path segment of the long-cached URL: `/sdk/<tag>/sdk.js`. */
  tag: string;
}

/** The browser script, built once per process on first use and served from memory afterwards. */
export async function sdkBundle(): Promise<SdkBundle> {
  const asset = await builtScript('sdk.js', browserBuildOptions);
  return { ...asset, version, tag: `v${version}-${asset.hash.slice(0, 8)}` };
}
