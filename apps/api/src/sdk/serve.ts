import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app-handle';
import { HttpError } from '../kernel/http/errors';
import { sdkBundle } from './bundle';
import { captureBuildOptions } from '@overture/sdk/build';
import { builtScript, longCache, sendScript, shortCache } from './assets';

/**
 * `/sdk.js` is cached briefly so sites pick up new releases; `/sdk/<version>-<hash>/sdk.js` never
 * changes and is cached for a year. Both are gzipped when the client accepts it. `/sdk/capture.js`
 * is the deep behaviour module the script fetches once capture starts.
 */
export async function serveSdk(_app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  // The deep behaviour module: briefly cached, so a long-cached core always finds a current one.
  if (path === '/sdk/capture.js') return sendScript(req, res, await builtScript('capture.js', captureBuildOptions));
  const bundle = await sdkBundle();
  let cache: string;
  if (path === '/sdk.js') cache = shortCache;
  else if (path === `/sdk/${bundle.tag}/sdk.js`) cache = longCache;
  else throw new HttpError(404, `No SDK build at ${path}; the current one is /sdk/${bundle.tag}/sdk.js`);

  sendScript(req, res, bundle, { cache });
}
