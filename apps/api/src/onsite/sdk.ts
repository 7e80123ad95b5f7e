import type { IncomingMessage, ServerResponse } from 'node:http';
import { onsiteBuildOptions } from '@overture/sdk/build';
import type { App } from '../app-handle';
import { builtScript, sendScript } from '../sdk/assets';

/** `/sdk/onsite.js`: the onsite renderer, fetched only by pages that turned onsite on, cached briefly like `/sdk.js`. */
export async function serveOnsiteSdk(_app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendScript(req, res, await builtScript('onsite.js', onsiteBuildOptions));
}
