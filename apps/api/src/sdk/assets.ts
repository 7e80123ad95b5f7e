import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build, type BuildOptions } from 'esbuild';

/** A browser script built from the SDK's sources, kept in memory with its gzip -9 form. */
export interface ScriptAsset {
  code: Buffer;
  gzip: Buffer;
  hash: string;
  etag: string;
}

const builds = new Map<string, Promise<ScriptAsset>>();

/** Built once per process on first request (esbuild, tens of ms); a failed build is retried next time. */
export function builtScript(name: string, options: BuildOptions): Promise<ScriptAsset> {
  let p = builds.get(name);
  if (!p) {
    p = build(options).then((out) => {
      const file = out.outputFiles?.[0];
      if (!file) throw new Error(`esbuild produced no ${name}`);
      const code = Buffer.from(file.contents);
      const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
      return { code, gzip: gzipSync(code, { level: 9 }), hash, etag: `"${hash}"` };
    });
    p.catch(() => builds.delete(name));
    builds.set(name, p);
  }
  return p;
}

/** Sites pick up fixes within minutes; versioned paths never change. */
export const shortCache = 'public, max-age=300, stale-while-revalidate=86400';
export const longCache = 'public, max-age=31536000, immutable';

/** Answers with the script (gzipped when accepted, 304 on a matching ETag); sites load it cross-origin. */
export function sendScript(req: IncomingMessage, res: ServerResponse, asset: ScriptAsset, options: { cache?: string; headers?: Record<string, string> } = {}): void {
  const headers: Record<string, string> = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': options.cache ?? shortCache,
    etag: asset.etag,
    vary: 'Accept-Encoding',
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
    ...options.headers,
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? asset.gzip : asset.code;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
}
