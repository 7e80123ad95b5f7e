import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app';
import { HttpError } from '../http/errors';
import { sdkBundle } from './bundle';

const shortCache = 'public, max-age=300, stale-while-revalidate=86400';
const longCache = 'public, max-age=31536000, immutable';

/**
 * `/sdk.js` is cached briefly so sites pick up new releases; `/sdk/<version>-<hash>/sdk.js` never
 * changes and is cached for a year. Both are gzipped when the client accepts it.
 */
export async function serveSdk(_app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const bundle = await sdkBundle();
  const path = url.pathname;
  let cache: string;
  if (path === '/sdk.js') cache = shortCache;
  else if (path === `/sdk/${bundle.tag}/sdk.js`) cache = longCache;
  else throw new HttpError(404, `No SDK build at ${path}; the current one is /sdk/${bundle.tag}/sdk.js`);

  const etag = `"${bundle.hash}"`;
  const headers: Record<string, string> = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': cache,
    etag,
    vary: 'Accept-Encoding',
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? bundle.gzip : bundle.code;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
