import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { createChdbConnection } from 'chdb/connection';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

export type { ClickHouseClient };
type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;
type ChdbConnection = ReturnType<typeof createChdbConnection>;

export interface ClickhouseOptions {
  /** A ClickHouse server URL; when absent, chDB runs in-process on `dataDir`. */
  url?: string | undefined;
  /** Directory for the embedded engine; ':memory:' for an ephemeral one. */
  dataDir?: string;
  /** Settings of every query and insert of this client, on top of the shared ones (e.g. its `priority`). */
  settings?: Record<string, string | number>;
}

/**
 * Settings every query runs with. `final` makes each read of a Replacing table
 * collapse duplicates, so a retried event is never counted twice in any result.
 */
const settings = {
  date_time_input_format: 'best_effort',
  final: 1,
} as const;

export function createClickhouse(options: ClickhouseOptions): ClickHouseClient {
  const client = openClient(options);
  origins.set(client, options);
  return client;
}

const origins = new WeakMap<ClickHouseClient, ClickhouseOptions>();

/**
 * Another client on the same store, for work that must not wait behind the first client's queries:
 * chDB runs one connection's calls one at a time, while connections on the same directory run side
 * by side. On a server it is another pool of HTTP connections. The caller closes it. A client made
 * elsewhere (a wrapper around one of ours, say) has no known store to open again: null.
 */
export function companionClickhouse(client: ClickHouseClient, settings?: ClickhouseOptions['settings']): ClickHouseClient | null {
  const options = origins.get(client);
  return options ? createClickhouse({ ...options, settings: { ...options.settings, ...settings } }) : null;
}

function openClient(options: ClickhouseOptions): ClickHouseClient {
  if (options.url) {
    return createClient({ url: options.url, clickhouse_settings: { ...settings, ...options.settings }, request_timeout: 30_000 });
  }
  const dir = options.dataDir ?? ':memory:';
  let path = dir;
  if (dir !== ':memory:') {
    path = join(dir, 'clickhouse');
    mkdirSync(path, { recursive: true });
  }
  const chdb = openChdb(path);
  const client = createClient({ connection: lazyConnection(chdb), clickhouse_settings: { ...settings, ...options.settings } });
  embedded.set(client, chdb);
  return client;
}

const embedded = new WeakMap<ClickHouseClient, Promise<ChdbConnection>>();

/** Whether the client runs chDB in this process (one made elsewhere, a wrapper say, counts as not). */
export function isEmbeddedClickhouse(client: ClickHouseClient): boolean {
  return embedded.has(client);
}

/**
 * chDB is a large native engine: a server install (CLICKHOUSE_URL set) must never load it,
 * so it is imported here, only on the embedded path. Loading starts at once; a failure
 * surfaces on the first query rather than as an unhandled rejection.
 */
function openChdb(path: string): Promise<ChdbConnection> {
  const opening = import('chdb/connection').then(({ createChdbConnection }) => createChdbConnection({ path }));
  opening.catch(() => undefined);
  return opening;
}

/** A connection that waits for the engine before each call, so `createClickhouse` stays synchronous. */
function lazyConnection(opening: Promise<ChdbConnection>): ClientConnection {
  // chdb types against its own copy of @clickhouse/client-common; the runtime contract is the same.
  const ready = opening as unknown as Promise<ClientConnection>;
  return {
    ping: async (params) => (await ready).ping(params),
    query: async (params) => (await ready).query(params),
    insert: async (params) => (await ready).insert(params),
    command: async (params) => (await ready).command(params),
    exec: async (params) => (await ready).exec(params),
    close: async () => (await ready).close(),
  };
}

/**
 * Inserts rows already serialised in `format`. On chDB the bytes go to the engine's parser
 * directly instead of being spliced into one giant SQL string; on a server they stream over HTTP.
 */
export async function insertRaw(
  client: ClickHouseClient,
  table: string,
  columns: readonly string[],
  format: 'JSONEachRow' | 'JSONCompactEachRow' | 'TabSeparated',
  body: Buffer,
): Promise<void> {
  const opening = embedded.get(client);
  if (opening) {
    const chdb = await opening;
    const settings = origins.get(client)?.settings;
    await chdb.chdb.rawInsert({ table, columns, values: body, format, ...(settings ? { settings } : {}) });
    return;
  }
  // The client's `insert` takes bytes only for raw formats (it wants objects for JSONEachRow), so the
  // statement goes as is, with the serialised rows as its body. Table and columns are our own names.
  const statement = `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}`;
  const result = await client.exec({ query: statement, values: Readable.from([body], { objectMode: false }) });
  await finished(result.stream.resume());
}

export async function clickhouseHealth(client: ClickHouseClient): Promise<{ ok: boolean; error?: string }> {
  try {
    const r = await client.ping();
    return r.success ? { ok: true } : { ok: false, error: String(r.error?.message ?? 'ping failed') };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
