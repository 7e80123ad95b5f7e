import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { createPostgres, migratePostgres, type Database, type PostgresStore } from '../stores/postgres';

// Creating an empty PGlite cluster (initdb inside WebAssembly) costs seconds per test app; loading
// the image of one that is already migrated costs a fraction of that. Vitest's global setup makes
// the image once per run and hands its path to the test processes.

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
  }
}

interface GlobalSetupContext {
  provide(key: 'pgliteSnapshot', value: string): void;
}

/** Vitest global setup: migrates one PGlite and writes the image of its data directory to a temporary file. */
export default async function setup({ provide }: GlobalSetupContext): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'overture-pglite-snapshot-'));
  const file = join(dir, 'migrated.tar');
  const { KyselyPGlite } = await import('kysely-pglite');
  const pglite = await KyselyPGlite.create('memory://');
  const db = new Kysely<Database>({ dialect: pglite.dialect });
  try {
    await migratePostgres(db);
    // Uncompressed: every test app loads it, and unpacking costs more than reading 40 MB from the page cache.
    writeFileSync(file, Buffer.from(await (await pglite.client.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await db.destroy();
    if (!pglite.client.closed) await pglite.client.close();
  }
  provide('pgliteSnapshot', file);
  return () => rmSync(dir, { recursive: true, force: true });
}

let image: Promise<Blob | undefined> | undefined;

/** The migrated image when the global setup made one (outside Vitest, e.g. a script, there is none). */
function migratedImage(): Promise<Blob | undefined> {
  image ??= (async () => {
    if (!process.env.VITEST) return undefined;
    const { inject } = await import('vitest');
    const file = inject('pgliteSnapshot');
    return file ? new Blob([readFileSync(file)]) : undefined;
  })();
  return image;
}

/**
 * An in-memory PGlite, from the migrated image when there is one. Each copy is made a fresh install
 * as the migrations would: its own install id, and row versions that start after its own clock.
 */
export async function openTestPglite(): Promise<PostgresStore> {
  const snapshot = await migratedImage();
  const store = await createPostgres(snapshot ? { snapshot } : {});
  if (snapshot) {
    await sql`UPDATE install SET id = ${randomBytes(5).toString('hex')}`.execute(store.db);
    await sql`SELECT setval('row_versions', GREATEST((SELECT last_value FROM row_versions), (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + 1000000))`.execute(store.db);
  }
  return store;
}
