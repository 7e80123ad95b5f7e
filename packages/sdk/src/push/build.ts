// Node-side: how the API builds the push module and the service worker (esbuild), beside /sdk.js.
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const common: BuildOptions = { bundle: true, minify: true, target: 'es2020', legalComments: 'none', write: false };

/** `/sdk/push.js`, an ES module the core bundle imports on the first `overture.push.*` call. */
export const pushModuleBuildOptions: BuildOptions = { ...common, entryPoints: [fileURLToPath(new URL('./module.ts', import.meta.url))], format: 'esm' };

/** `/sdk/push-sw.js`, the service worker (a classic script, so `importScripts` of it works too). */
export const pushWorkerBuildOptions: BuildOptions = { ...common, entryPoints: [fileURLToPath(new URL('./sw.ts', import.meta.url))], format: 'iife' };
