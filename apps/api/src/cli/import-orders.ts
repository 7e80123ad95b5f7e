import { existsSync } from 'node:fs';
import type { App } from '../app-handle';
import { asOfAfterImport, getWorkspace, setAsOf } from '../workspaces';
import { loadRetailCsv } from '../demo/load-retail';
import { recomputeWorkspace } from '../segments';
import { refreshRecommendations } from '../recommendations';
import { requireFlag, UsageError, type ParsedArgs } from './args';
import { importProgress } from './import-progress';

/** Some lines did not parse: their invoices were left out (reported above), the rest imported. */
export class ImportIncompleteError extends Error {}

export async function importOrdersCommand(app: App, args: ParsedArgs): Promise<void> {
  const file = args.positionals[2];
  if (!file) throw new UsageError('import orders needs a FILE.csv (or .csv.gz)');
  if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
  const workspaceId = requireFlag(args, 'workspace');
  if (!(await getWorkspace(app.postgres.db, workspaceId))) throw new UsageError(`No workspace with id ${workspaceId}`);
  const started = Date.now();
  const progress = importProgress({ tty: Boolean(process.stderr.isTTY), write: (t) => process.stderr.write(t) });
  // Throws (and writes nothing) when the file itself is broken: one line, exit 1.
  const result = await loadRetailCsv(app, workspaceId, file, { onProgress: progress.load });
  await app.writer.drain();
  // Historical data is scored as of the day after its last order, not as of today.
  const asOf = asOfAfterImport(result.lastOrderAt);
  if (asOf) await setAsOf(app.postgres.db, workspaceId, asOf);
  // Profiles, RFM and segments would otherwise wait for the next scheduled refresh.
  const recomputed = await progress.recompute(() => recomputeWorkspace(app, workspaceId));
  // So is the recommendation model: the first request after an import gets personal answers.
  const recs = await refreshRecommendations(app, workspaceId);
  for (const e of result.errors.slice(0, 50)) console.error(`  line ${e.line}: ${e.message} (${e.invoiceNo ? `invoice ${e.invoiceNo} not imported` : 'skipped'})`);
  if (result.errors.length > 50) console.error(`  … and ${result.errors.length - 50} more bad lines`);
  const k = result.kinds;
  console.log(
    `Imported ${result.invoices - result.refunds} orders (${result.guestOrders} of guests, not ranked as customers) and ${result.refunds} refunds ` +
      `of ${result.customers} customers and ${result.products} products (${result.events} events) from ${result.lines} lines in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `lines: ${k.product} product, ${k.refund} refund, ${k.fee} fee, ${k.adjustment} adjustment, ${k.writeoff} write-off; ${result.nonSales} invoices without a sale; ` +
      `${asOf ? `figures as of ${asOf.toISOString().slice(0, 10)}; ` : ''}profiles and segments recomputed in ${((recomputed.featuresMs + recomputed.segmentsMs) / 1000).toFixed(1)} s; recommendations built in ${(recs.ms / 1000).toFixed(1)} s`,
  );
  if (result.errors.length > 0) throw new ImportIncompleteError(`${result.errors.length} bad lines: ${result.rejectedInvoices} invoices not imported (listed above)`);
}
