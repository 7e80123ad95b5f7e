import type { App } from '../app';
import { chTime, normalizeEvent, type EventRow } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { isRetailError, readRetailCsv, type ReadProgress, type RetailLineError } from './online-retail';
import { collectInvoices, customerIdentify, invoiceEvents } from './retail-events';

export interface RetailLoadResult {
  lines: number;
  invoices: number;
  refunds: number;
  customers: number;
  products: number;
  events: number;
  errors: RetailLineError[];
}

export interface RetailLoadOptions {
  /** Added to every timestamp (the demo moves the sample so that it ends today). */
  shiftMs?: number;
  onProgress?: (p: ReadProgress & { phase: 'read' | 'write'; written: number; toWrite: number }) => void;
  batchSize?: number;
}

/**
 * Loads an online-retail CSV into a workspace: one `identify` per customer, the product catalogue,
 * and an `Order Completed` (or, for a cancelled `C…` invoice, `Order Refunded`) event per invoice
 * with its line items. Message ids derive from the data, so a re-run adds nothing twice.
 */
export async function loadRetailCsv(app: App, workspaceId: string, path: string, options: RetailLoadOptions = {}): Promise<RetailLoadResult> {
  const shiftMs = options.shiftMs ?? 0;
  const batchSize = options.batchSize ?? 5_000;
  const result: RetailLoadResult = { lines: 0, invoices: 0, refunds: 0, customers: 0, products: 0, events: 0, errors: [] };
  let last: ReadProgress = { bytes: 0, totalBytes: 0, lines: 0 };

  async function* validLines() {
    for await (const item of readRetailCsv(path, (p) => {
      last = p;
      options.onProgress?.({ ...p, phase: 'read', written: 0, toWrite: 0 });
    })) {
      result.lines++;
      if (isRetailError(item)) result.errors.push(item);
      else yield item;
    }
  }
  // Lines of an invoice are almost always contiguous, but not always: fold them all before writing.
  const { invoices, customers, products } = await collectInvoices(validLines());

  const toWrite = invoices.length + customers.size;
  let pending: EventRow[] = [];
  const flush = async () => {
    const rows = pending;
    pending = [];
    await app.writer.write(rows);
    result.events += rows.length;
    options.onProgress?.({ ...last, phase: 'write', written: result.events, toWrite });
  };
  const push = async (e: IncomingEvent) => {
    // Received now, not at the start: the scheduled backfill finds new events by receive time.
    pending.push(normalizeEvent(e, { workspaceId, receivedAt: Date.now() }));
    if (pending.length >= batchSize) await flush();
  };
  for (const [id, c] of customers) await push(customerIdentify(id, c.country, c.firstSeen, shiftMs));
  for (const invoice of invoices) {
    result.invoices++;
    if (invoice.invoiceNo.startsWith('C')) result.refunds++;
    for (const e of invoiceEvents(invoice, shiftMs)) await push(e);
  }
  await flush();

  const catalogue = [...products].map(([id, p]) => ({ workspace_id: workspaceId, product_id: id, name: p.name, price: p.price, updated_at: chTime(p.at.getTime() + shiftMs) }));
  for (let i = 0; i < catalogue.length; i += batchSize) {
    await app.clickhouse.insert({ table: 'products', values: catalogue.slice(i, i + batchSize), format: 'JSONEachRow' });
  }
  result.customers = customers.size;
  result.products = products.size;
  return result;
}

/** The latest invoice date in a file, to align a demo sample with today. */
export async function latestInvoiceDate(path: string): Promise<Date | null> {
  let max = 0;
  for await (const item of readRetailCsv(path)) if (!isRetailError(item)) max = Math.max(max, item.invoiceDate.getTime());
  return max ? new Date(max) : null;
}
