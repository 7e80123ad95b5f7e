import type { IncomingMessage, ServerResponse } from 'node:http';
import { pushModuleBuildOptions, pushWorkerBuildOptions } from '@overture/sdk/build';
import type { App } from '../../app-handle';
import { builtScript, sendScript } from '../../sdk/assets';

/** GET /sdk/push.js — the push module `overture.push.*` loads on first use. */
export async function servePushModule(_app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendScript(req, res, await builtScript('push.js', pushModuleBuildOptions));
}

/**
 * GET /sdk/push-sw.js — the service worker (browsers re-check it at least daily, so the short cache
 * lets fixes reach sites). `Service-Worker-Allowed: /` lets a site that serves the API under its own
 * origin register it for the whole site; other sites copy it to their root.
 */
export async function servePushWorker(_app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendScript(req, res, await builtScript('push-sw.js', pushWorkerBuildOptions), { headers: { 'service-worker-allowed': '/' } });
}
