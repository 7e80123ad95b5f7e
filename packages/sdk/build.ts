// How the browser script is built, shared by the API (which serves it), the size budget test and the
// bench. Node-side only: the browser code lives in src/.
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

export { version } from './src/version';

/** The script build (IIFE exposing `window.overture`); the ESM package is `src/index.ts` itself. */
export const browserBuildOptions: BuildOptions = {
  entryPoints: [fileURLToPath(new URL('./src/browser.ts', import.meta.url))],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  write: false,
  // Names private to the script (the capture core's page hooks, the queue and delivery between them)
  // are shortened: never part of the public API, of events or of stored state. The page hooks cross
  // into `/sdk/capture.js`, built apart, so their short names are pinned for both builds.
  mangleProps: /^(pageStart|pageEnd|queued|unload|adopt|items)$/,
  mangleCache: { pageStart: '$s', pageEnd: '$e' },
};

/** Deep behaviour capture (`/sdk/capture.js`, an ES module the core imports once capture starts). */
export const captureBuildOptions: BuildOptions = {
  ...browserBuildOptions,
  format: 'esm',
  entryPoints: [fileURLToPath(new URL('./src/capture/deep.ts', import.meta.url))],
};
export { pushModuleBuildOptions, pushWorkerBuildOptions } from './src/push/build';

/** The onsite renderer (`/sdk/onsite.js`, an ES module the core imports only on pages that turn onsite on). */
export const onsiteBuildOptions: BuildOptions = {
  ...browserBuildOptions,
  format: 'esm',
  entryPoints: [fileURLToPath(new URL('./src/onsite/onsite.ts', import.meta.url))],
  mangleProps: undefined,
};
