import { sql, type Kysely } from 'kysely';
import type { Database } from './types';

/**
 * `n` strictly increasing versions for ReplacingMergeTree rows, from one PostgreSQL sequence shared
 * by every process (a process's clock may lag another's; the sequence never goes back). Values are
 * microseconds-since-epoch sized, well inside a JS number's exact range.
 */
export async function nextRowVersions(db: Kysely<Database>, n: number): Promise<number[]> {
  if (n <= 0) return [];
  const { rows } = await sql<{ v: string | number | bigint }>`SELECT nextval('row_versions') AS v FROM generate_series(1, ${n}::int)`.execute(db);
  return rows.map((r) => Number(r.v)).sort((a, b) => a - b);
}
