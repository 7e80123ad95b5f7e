import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Session } from 'chdb';

/**
 * A ClickHouse HTTP interface in front of one chDB engine, for tests that run several Overture
 * processes against one ClickHouse (chDB binds one data directory to one process, and this machine
 * has no ClickHouse server). It speaks what `@clickhouse/client` sends: the SQL in the body or in
 * `?query=` with the insert rows in the body, `param_<name>` for `{name:Type}` placeholders,
 * settings as URL parameters, gzip either way, `/ping`. Every statement runs on the real engine;
 * this file only translates the transport. Test code: production never imports it.
 */

/** URL parameters that are HTTP-layer options, not engine settings (a real server consumes them itself). */
const transportParams = new Set([
  'query', 'query_id', 'database', 'session_id', 'session_timeout', 'session_check', 'role', 'user', 'password',
  'default_format', 'wait_end_of_query', 'send_progress_in_http_headers', 'http_headers_progress_interval_ms',
  'enable_http_compression', 'http_zlib_compression_level', 'http_response_buffer_size', 'buffer_size',
  'http_native_compression_disable_checksumming_on_decompress', 'compress', 'decompress',
]);

const settingName = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface NativeResult {
  bytes: Uint8Array;
  elapsed: number;
  rowsRead: number;
  bytesRead: number;
}
interface NativeBinding {
  QueryAsyncConnection(conn: unknown, sql: string, format: string, params?: Record<string, string>): Promise<NativeResult>;
}

/**
 * The addon's own entry point, so `param_*` values reach the engine exactly as the HTTP server
 * would receive them (ClickHouse's escaped text form). The public `queryBindAsync` takes JS values
 * and formats them itself, which would escape already-escaped text a second time.
 */
function nativeBinding(): NativeBinding {
  const require = createRequire(import.meta.url);
  const chdbRoot = dirname(require.resolve('chdb'));
  return (require(join(chdbRoot, 'dist/loader.js')) as { loadNative(): NativeBinding }).loadNative();
}

export interface ClickhouseFront {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ClickhouseFrontOptions {
  /** The engine's data directory. */
  dataDir: string;
  port?: number;
  host?: string;
}

export async function startClickhouseFront(options: ClickhouseFrontOptions): Promise<ClickhouseFront> {
  const session = new Session(options.dataDir);
  const native = nativeBinding();
  const connection = (session as unknown as { connection: unknown }).connection;
  // One statement at a time: settings are applied with SET on the one shared session, and the
  // bundled engine's parameter state is not isolated between concurrent calls.
  let tail: Promise<unknown> = Promise.resolve();
  const run = (sql: string, format: string, params: Record<string, string>): Promise<NativeResult> => {
    const next = tail.then(() => native.QueryAsyncConnection(connection, sql, format, params));
    tail = next.catch(() => undefined);
    return next;
  };

  const server = createServer((req, res) => {
    handle(req, res, run).catch((err: unknown) => sendError(res, err));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      await closeServer(server);
      await tail;
      session.close();
    },
  };
}

type Run = (sql: string, format: string, params: Record<string, string>) => Promise<NativeResult>;

async function handle(req: IncomingMessage, res: ServerResponse, run: Run): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://front');
  if (url.pathname === '/ping' || (req.method === 'GET' && url.pathname === '/' && !url.searchParams.has('query'))) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
    return;
  }
  if (url.pathname !== '/') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=UTF-8' }).end(`There is no handle ${url.pathname}\n`);
    return;
  }
  let body = await readBody(req);
  if (/gzip/i.test(req.headers['content-encoding'] ?? '')) body = gunzipSync(body);

  const search = url.searchParams;
  const params: Record<string, string> = {};
  const settings: string[] = [];
  for (const [key, value] of search) {
    if (key.startsWith('param_')) params[key.slice('param_'.length)] = value;
    else if (!transportParams.has(key)) {
      if (!settingName.test(key)) throw new FrontError(115, 'UNKNOWN_SETTING', `Invalid setting name ${JSON.stringify(key)}`);
      settings.push(`SET ${key} = ${/^-?\d+(\.\d+)?$/.test(value) ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`}`);
    }
  }
  const inUrl = search.get('query');
  // An INSERT names its statement in the URL and streams the rows in the body, as a server accepts.
  const statement = inUrl !== null ? (body.length ? `${inUrl}\n${body.toString('utf8')}` : inUrl) : body.toString('utf8');
  if (!statement.trim()) throw new FrontError(62, 'SYNTAX_ERROR', 'Empty query');
  if (inUrl !== null && /^\s*INSERT\b/i.test(inUrl) && body.toString('utf8').trim() === '') {
    // A server accepts an insert without rows as a no-op; the engine's parser would say "No data to insert".
    respond(req, res, Buffer.alloc(0), search, 'TabSeparated', { rowsRead: 0, bytesRead: 0, elapsed: 0 }, true);
    return;
  }
  const format = search.get('default_format') ?? 'TabSeparated';
  const sql = settings.length ? `${settings.join('; ')}; ${statement}` : statement;
  const result = await run(sql, format, params);
  const isInsert = /^\s*INSERT\b/i.test(statement);
  respond(req, res, Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength), search, outputFormat(statement, format), result, isInsert);
}

function respond(
  req: IncomingMessage,
  res: ServerResponse,
  payload: Buffer,
  search: URLSearchParams,
  format: string,
  stats: { rowsRead: number; bytesRead: number; elapsed: number },
  isInsert: boolean,
): void {
  const summary = {
    read_rows: String(stats.rowsRead),
    read_bytes: String(stats.bytesRead),
    written_rows: isInsert ? String(stats.rowsRead) : '0',
    written_bytes: isInsert ? String(stats.bytesRead) : '0',
    total_rows_to_read: '0',
    result_rows: isInsert ? '0' : String(stats.rowsRead),
    result_bytes: isInsert ? '0' : String(payload.length),
    elapsed_ns: String(Math.round(stats.elapsed * 1e9)),
  };
  const headers: Record<string, string> = {
    'content-type': contentType(format),
    'x-clickhouse-format': format,
    'x-clickhouse-query-id': search.get('query_id') ?? randomUUID(),
    'x-clickhouse-timezone': 'UTC',
    'x-clickhouse-server-display-name': 'chdb-http-front',
    'x-clickhouse-summary': JSON.stringify(summary),
  };
  let out = payload;
  if (search.get('enable_http_compression') === '1' && /gzip/i.test(req.headers['accept-encoding'] ?? '')) {
    out = gzipSync(payload);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(out.length);
  res.writeHead(200, headers).end(out);
}

/** The format of the answer: the statement's own FORMAT clause wins over `default_format`, as on a server. */
function outputFormat(statement: string, fallback: string): string {
  if (/^\s*INSERT\b/i.test(statement)) return fallback;
  const m = /\bFORMAT\s+([A-Za-z]+)\s*;?\s*$/i.exec(statement);
  return m?.[1] ?? fallback;
}

function contentType(format: string): string {
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^(TabSeparated|TSV|CSV)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  return 'application/octet-stream';
}

class FrontError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(`Code: ${code}. DB::Exception: ${message}. (${type})`);
  }
}

/** A server answers a failed statement with HTTP 500 and the engine's error text, which the client parses. */
function sendError(res: ServerResponse, err: unknown): void {
  const text = err instanceof Error ? err.message : String(err);
  const code = /Code: (\d+)/.exec(text)?.[1] ?? '1001';
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(500, { 'content-type': 'text/plain; charset=UTF-8', 'x-clickhouse-exception-code': code })
    .end(`${text.trim()}\n`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
