import { existsSync } from 'node:fs';
import type { App } from '../app';
import { getWorkspace } from '../workspaces';
import { loadRetailCsv, type RetailLoadOptions } from '../demo/load-retail';
import { recomputeWorkspace } from '../segments';
import { requireFlag, UsageError, type ParsedArgs } from './args';

const width = 30;

/** A one-line progress bar on stderr, redrawn at most every 100 ms (stdout stays clean for the summary). */
function progressBar(): NonNullable<RetailLoadOptions['onProgress']> {
  let drawn = 0;
  return (p) => {
    const now = Date.now();
    const done = p.phase === 'read' ? p.bytes / Math.max(1, p.totalBytes) : p.written / Math.max(1, p.toWrite);
    if (now - drawn < 100 && done < 1) return;
    drawn = now;
    const filled = Math.round(Math.min(1, done) * width);
    const what = p.phase === 'read' ? `reading  ${p.lines.toLocaleString('en')} lines` : `writing  ${p.written.toLocaleString('en')}/${p.toWrite.toLocaleString('en')} events`;
    process.stderr.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(done * 100)).padStart(3)}%  ${what}   `);
  };
}

export async function importOrdersCommand(app: App, args: ParsedArgs): Promise<void> {
  const file = args.positionals[2];
  if (!file) throw new UsageError('import orders needs a FILE.csv (or .csv.gz)');
  if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
  const workspaceId = requireFlag(args, 'workspace');
  if (!(await getWorkspace(app.postgres.db, workspaceId))) throw new UsageError(`No workspace with id ${workspaceId}`);
  const started = Date.now();
  const result = await loadRetailCsv(app, workspaceId, file, { onProgress: process.stderr.isTTY ? progressBar() : undefined });
  await app.writer.drain();
  if (process.stderr.isTTY) process.stderr.write('\n');
  // Profiles, RFM and segments would otherwise wait for the next scheduled refresh.
  const recomputed = await recomputeWorkspace(app, workspaceId);
  for (const e of result.errors.slice(0, 50)) console.error(`  line ${e.line}: ${e.message} (skipped)`);
  if (result.errors.length > 50) console.error(`  … and ${result.errors.length - 50} more bad lines`);
  console.log(
    `Imported ${result.invoices} invoices (${result.refunds} refunds) of ${result.customers} customers and ${result.products} products ` +
      `(${result.events} events) from ${result.lines} lines in ${((Date.now() - started) / 1000).toFixed(1)} s (profiles and segments recomputed in ${((recomputed.featuresMs + recomputed.segmentsMs) / 1000).toFixed(1)} s); ${result.errors.length} bad lines skipped`,
  );
}
