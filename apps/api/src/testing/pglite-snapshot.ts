import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { createPostgres, migratePostgres, pgliteDialect, type Database, type PostgresStore } from '../stores/postgres';

// Creating an empty PGlite cluster (initdb inside WebAssembly) costs seconds per test app; loading
// the image of one that is already migrated costs a fraction of that. The image is made once per run,
// by the first test process that needs one (a run of unit tests never pays for it), in a directory
// Vitest's global setup names.

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshotDir: string;
  }
}

interface GlobalSetupContext {
  provide(key: 'pgliteSnapshotDir', value: string): void;
}

/** Vitest global setup: a directory for this run's image, removed at the end. */
export default function setup({ provide }: GlobalSetupContext): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'overture-pglite-snapshot-'));
  provide('pgliteSnapshotDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** Migrates an empty PGlite and writes the image of its data directory to `file` (whole or not at all). */
async function makeImage(file: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const client = await PGlite.create('memory://');
  const db = new Kysely<Database>({ dialect: pgliteDialect(client) });
  try {
    await migratePostgres(db);
    // Uncompressed: every test app loads it, and unpacking costs more than reading 40 MB from the page cache.
    writeFileSync(`${file}.part`, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
    renameSync(`${file}.part`, file);
  } finally {
    await db.destroy();
    if (!client.closed) await client.close();
  }
}

/** This run's image: made here if no other process is making it, else awaited. */
async function imageIn(dir: string): Promise<Blob> {
  const file = join(dir, 'migrated.tar');
  const lock = join(dir, 'making');
  for (const end = Date.now() + 120_000; !existsSync(file); ) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > end) throw new Error(`no PGlite image in ${dir} after 2 minutes`);
      await new Promise((r) => setTimeout(r, 50)); // another process is making it
      continue;
    }
    try {
      await makeImage(file);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return new Blob([readFileSync(file)]);
}

let image: Promise<Blob | undefined> | undefined;

/** The migrated image when the global setup asked for one (outside Vitest, e.g. a script, there is none). */
function migratedImage(): Promise<Blob | undefined> {
  image ??= (async () => {
    if (!process.env.VITEST) return undefined;
    const { inject } = await import('vitest');
    const dir = inject('pgliteSnapshotDir');
    return dir ? imageIn(dir) : undefined;
  })();
  return image;
}

/**
 * A PGlite, in memory or in `dataDir` as an install keeps it, from the migrated image when there is one. Each copy is made a fresh install
 * as the migrations would: its own install id, and row versions that start after its own clock.
 */
export async function openTestPglite(options: { dataDir?: string } = {}): Promise<PostgresStore> {
  const snapshot = await migratedImage();
  const store = await createPostgres({ ...options, ...(snapshot ? { snapshot } : {}) });
  if (snapshot) {
    await sql`UPDATE install SET id = ${randomBytes(5).toString('hex')}`.execute(store.db);
    await sql`SELECT setval('row_versions', GREATEST((SELECT last_value FROM row_versions), (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + 1000000))`.execute(store.db);
  }
  return store;
}
