import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { pushModuleBuildOptions, pushWorkerBuildOptions } from '@overture/sdk/build';
import type { App } from '../../app';

interface Asset {
  code: Buffer;
  gzip: Buffer;
  etag: string;
}

const builds = new Map<string, Promise<Asset>>();

/** Built from the SDK's sources once per process, on first request (like /sdk.js). */
function asset(name: string, options: BuildOptions): Promise<Asset> {
  let p = builds.get(name);
  if (!p) {
    p = build(options).then((out) => {
      const file = out.outputFiles?.[0];
      if (!file) throw new Error(`esbuild produced no ${name}`);
      const code = Buffer.from(file.contents);
      return { code, gzip: gzipSync(code, { level: 9 }), etag: `"${createHash('sha256').update(code).digest('hex').slice(0, 16)}"` };
    });
    p.catch(() => builds.delete(name));
    builds.set(name, p);
  }
  return p;
}

async function serve(req: IncomingMessage, res: ServerResponse, a: Asset, extra: Record<string, string>): Promise<void> {
  const headers: Record<string, string> = {
    'content-type': 'text/javascript; charset=utf-8',
    // Short: a worker is re-checked by browsers at least daily anyway, and fixes must reach sites.
    'cache-control': 'public, max-age=300, stale-while-revalidate=86400',
    etag: a.etag,
    vary: 'Accept-Encoding',
    // The module is imported cross-origin by the site's page: it needs CORS.
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
    ...extra,
  };
  if (req.headers['if-none-match'] === a.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? a.gzip : a.code;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
}

/** GET /sdk/push.js — the push module `overture.push.*` loads on first use. */
export async function servePushModule(_app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await serve(req, res, await asset('push.js', pushModuleBuildOptions), {});
}

/**
 * GET /sdk/push-sw.js — the service worker. `Service-Worker-Allowed: /` lets a site that serves the
 * API under its own origin register it for the whole site; other sites copy it to their root.
 */
export async function servePushWorker(_app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await serve(req, res, await asset('push-sw.js', pushWorkerBuildOptions), { 'service-worker-allowed': '/' });
}
