import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from './client';

const migrationsDir = join(import.meta.dirname, 'migrations');

export interface ClickhouseMigration {
  version: number;
  name: string;
  statements: string[];
}

/** Numbered files `0001_name.sql`; statements separated by a line holding only `;`-terminated SQL. */
export function loadClickhouseMigrations(dir = migrationsDir): ClickhouseMigration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      const statements = sql
        .split(/;\s*(?:\n|$)/)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter(Boolean);
      return { version: Number(file.slice(0, 4)), name: file.replace(/\.sql$/, ''), statements };
    });
}

export interface MigrateOptions {
  /** Stop after this version (a migration's test builds the schema as it was before it, adds data, then runs it). */
  upTo?: number;
}

export async function migrateClickhouse(client: ClickHouseClient, options: MigrateOptions = {}): Promise<string[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations
      (version UInt32, name String, applied_at DateTime DEFAULT now())
      ENGINE = MergeTree ORDER BY version`,
  });
  const rs = await client.query({ query: 'SELECT version FROM schema_migrations', format: 'JSONEachRow' });
  const done = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  const applied: string[] = [];
  for (const m of loadClickhouseMigrations()) {
    if (options.upTo !== undefined && m.version > options.upTo) break;
    if (done.has(m.version)) continue;
    for (const statement of m.statements) await client.command({ query: statement });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    applied.push(m.name);
  }
  return applied;
}
