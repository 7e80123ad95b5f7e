import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build } from 'esbuild';
import { onsiteBuildOptions } from '@overture/sdk/build';
import type { App } from '../app';

interface Built {
  code: Buffer;
  gzip: Buffer;
  etag: string;
}

let building: Promise<Built> | undefined;

/** The lazily loaded onsite renderer, built from the SDK's sources once per process (esbuild). */
export function onsiteBundle(): Promise<Built> {
  building ??= build(onsiteBuildOptions).then(
    (out) => {
      const file = out.outputFiles?.[0];
      if (!file) throw new Error('esbuild produced no onsite bundle');
      const code = Buffer.from(file.contents);
      return { code, gzip: gzipSync(code, { level: 9 }), etag: `"${createHash('sha256').update(code).digest('hex').slice(0, 16)}"` };
    },
    (err: unknown) => {
      building = undefined;
      throw err;
    },
  );
  return building;
}

/** `/sdk/onsite.js`: fetched only by pages that turned onsite on, cached briefly like `/sdk.js`. */
export async function serveOnsiteSdk(_app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const bundle = await onsiteBundle();
  const headers: Record<string, string> = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': 'public, max-age=300, stale-while-revalidate=86400',
    etag: bundle.etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  };
  if (req.headers['if-none-match'] === bundle.etag) {
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
