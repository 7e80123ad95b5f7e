import { Kysely, Migrator, PostgresDialect, sql, type DatabaseIntrospector, type MigrationProvider, type TableMetadata } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './types';
import { migrations } from './migrations';
import { pgliteDialect } from './pglite-dialect';
import { overriding } from '../../kernel/overriding';

export interface PostgresOptions {
  /** A PostgreSQL URL; when absent, PGlite runs in-process. */
  url?: string | undefined;
  /** Directory for the embedded engine; 'memory://' for an ephemeral one. */
  dataDir?: string;
  /** A schema to live in (tests isolate themselves this way on a shared server). */
  schema?: string;
  /** PGlite only: start from this `dumpDataDir` image instead of creating an empty cluster. */
  snapshot?: Blob;
  /** PGlite only: how long a query waits on a session holder before failing (see pglite-dialect). */
  holdTimeoutMs?: number;
}

export interface PostgresStore {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** The schema the tables live in, when not the default one. */
  schema?: string;
  close(): Promise<void>;
}

const schemaName = /^[a-z_][a-z0-9_]*$/;

export async function createPostgres(options: PostgresOptions): Promise<PostgresStore> {
  if (options.schema && !schemaName.test(options.schema)) throw new Error(`Invalid schema name: ${options.schema}`);
  if (options.url) {
    if (options.schema) {
      const admin = new pg.Client({ connectionString: options.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', ...(options.schema ? { schema: options.schema } : {}), close: () => db.destroy() };
  }
  let dir = options.dataDir ?? 'memory://';
  if (!dir.startsWith('memory://')) {
    dir = join(dir, 'postgres');
    mkdirSync(dir, { recursive: true });
  }
  // PGlite is imported only here: a server install (DATABASE_URL set) never loads the embedded engine.
  const { PGlite } = await import('@electric-sql/pglite');
  const client = await PGlite.create({ dataDir: dir, ...(options.snapshot ? { loadDataDir: options.snapshot } : {}) });
  const db = new Kysely<Database>({ dialect: pgliteDialect(client, { holdTimeoutMs: options.holdTimeoutMs }) });
  if (options.schema) {
    await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${options.schema}; SET search_path TO ${options.schema}`).execute(db);
  }
  return {
    db,
    kind: 'pglite',
    ...(options.schema ? { schema: options.schema } : {}),
    close: async () => {
      await db.destroy();
      if (!client.closed) await client.close();
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * `schema` matters on a shared server: without it Kysely's migrator takes another schema's
 * migration tables for its own and never creates them in this one.
 */
export async function migratePostgres(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db: withOwnSchemaIntrospection(db, schema), provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Kysely's migrator asks whether its own tables exist by listing every column of every table in the
 * database; on a server shared with other schemas (other apps, test runs) that listing fails when one
 * of them is dropped meanwhile. Here its questions are answered from this store's schema alone.
 */
function withOwnSchemaIntrospection(db: Kysely<Database>, schema: string | undefined): Kysely<Database> {
  const own = sql<string>`coalesce(${schema ?? null}::text, current_schema())`;
  const introspector: DatabaseIntrospector = {
    getSchemas: async () => (await sql<{ name: string }>`SELECT nspname AS name FROM pg_namespace WHERE nspname = ${own}`.execute(db)).rows,
    getTables: async () => {
      const { rows } = await sql<{ name: string; schema: string }>`SELECT table_name AS name, table_schema AS schema FROM information_schema.tables WHERE table_schema = ${own}`.execute(db);
      return rows.map((r): TableMetadata => ({ name: r.name, schema: r.schema, isView: false, columns: [] }));
    },
    getMetadata: async () => ({ tables: await introspector.getTables() }),
  };
  return overriding(db, { introspection: introspector });
}

export async function postgresHealth(db: Kysely<Database>): Promise<{ ok: boolean; error?: string }> {
  try {
    await sql`select 1`.execute(db);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
