import { refreshRecommendations } from '../recommendations';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { App } from '../app-handle';
import { announceCatalogMoments, catalogSettingsOf, upsertFeedProducts, validateProducts } from '../catalog';
import { getWorkspace } from '../workspaces';
import { requireFlag, UsageError, type ParsedArgs } from './args';
import { ImportIncompleteError } from './import-orders';

const maxFileBytes = 512 * 1024 * 1024;
const chunk = 5_000;

export interface CatalogRow {
  line: number;
  value: Record<string, unknown>;
}

const numeric = new Set(['price']);

/** Rows of a catalog file: a JSON array, or a CSV whose header names the product fields. */
export function readCatalogFile(file: string): CatalogRow[] {
  let raw = readFileSync(file);
  if (file.endsWith('.gz')) raw = gunzipSync(raw);
  const text = raw.toString('utf8');
  if (/\.json(\.gz)?$/.test(file)) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(body)) throw new UsageError(`${file}: expected a JSON array of products`);
    return body.map((value, i) => ({ line: i + 1, value: value as Record<string, unknown> }));
  }
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw new UsageError(`${file} is not a readable CSV: ${(err as Error).message}`);
  }
  // Empty cells are absent fields; numbers come as text in a CSV.
  return records.map((r, i) => ({
    line: i + 2,
    value: Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '').map(([k, v]) => [k, numeric.has(k) && !Number.isNaN(Number(v)) ? Number(v) : v])),
  }));
}

/**
 * `import catalog FILE --workspace ID`: stores every valid product and lists each bad row by its
 * line. Re-running the same file changes nothing (upsert by product id, history only on a change).
 */
export async function importCatalogCommand(app: App, args: ParsedArgs): Promise<void> {
  const file = args.positionals[2];
  if (!file) throw new UsageError('import catalog needs a FILE.csv or FILE.json (optionally .gz)');
  if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
  if (statSync(file).size > maxFileBytes) throw new UsageError(`${file} is over ${maxFileBytes / 1024 / 1024} MB; split it`);
  const workspaceId = requireFlag(args, 'workspace');
  if (!(await getWorkspace(app.postgres.db, workspaceId))) throw new UsageError(`No workspace with id ${workspaceId}`);
  const rows = readCatalogFile(file);
  const { products: good, errors: bad } = validateProducts(rows.map((r) => r.value));
  const errors = bad.map((e) => `line ${rows[e.index]!.line}: ${e.field || 'row'}: ${e.message}`);
  let changed = 0;
  const { priceDropPercent } = await catalogSettingsOf(app, workspaceId);
  for (let i = 0; i < good.length; i += chunk) {
    const now = Date.now();
    const result = await upsertFeedProducts(app.clickhouse, workspaceId, good.slice(i, i + chunk), now, priceDropPercent);
    changed += result.changed;
    await announceCatalogMoments(app, workspaceId, result.moments, now);
    if (process.stderr.isTTY) process.stderr.write(`\r  ${Math.min(i + chunk, good.length)} / ${good.length} products`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const e of errors.slice(0, 50)) console.error(`  ${e}`);
  if (errors.length > 50) console.error(`  … and ${errors.length - 50} more bad rows`);
  // Names, links and stock of recommended products come from the catalog the model is built with.
  if (good.length > 0) await refreshRecommendations(app, workspaceId);
  console.log(`Imported ${good.length} products (${changed} new or changed) from ${rows.length} rows`);
  if (errors.length > 0) throw new ImportIncompleteError(`${errors.length} bad rows not imported (listed above)`);
}
