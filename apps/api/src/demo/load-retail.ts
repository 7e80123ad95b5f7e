import type { App } from '../app-handle';
import { normalizeEvent, type EventRow } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { isRetailError, readRetailCsv, type ReadProgress, type RetailLineError } from './online-retail';
import { collectInvoices, customerIdentify, invoiceEvents, invoiceKind } from './retail-events';
import type { RetailLineKind } from './retail-classify';
import { upsertObservedProducts } from '../catalog';

export interface RetailLoadResult {
  lines: number;
  /** Invoices written: orders plus refunds. */
  invoices: number;
  refunds: number;
  /** Orders without a CustomerID: kept as orders and revenue, never ranked as customers. */
  guestOrders: number;
  /** Invoices with no product and no refund line (fees, adjustments, write-offs only): no event. */
  nonSales: number;
  /** Invoices left out whole because one of their lines did not parse. */
  rejectedInvoices: number;
  /** Lines of each kind (classifyRetailLine), of the invoices kept. */
  kinds: Record<RetailLineKind, number>;
  /** The latest invoice date of the file (unshifted). */
  lastOrderAt: Date | null;
  customers: number;
  products: number;
  events: number;
  errors: RetailLineError[];
}

export interface RetailLoadOptions {
  /** Added to every timestamp (the demo moves the sample so that it ends today). */
  shiftMs?: number;
  /** `readDone` marks the end of the read phase (the parser lags the bytes read). */
  onProgress?: (p: ReadProgress & { phase: 'read' | 'write'; written: number; toWrite: number; readDone?: boolean }) => void;
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
  const result: RetailLoadResult = {
    lines: 0, invoices: 0, refunds: 0, guestOrders: 0, nonSales: 0, rejectedInvoices: 0, kinds: { product: 0, refund: 0, adjustment: 0, fee: 0, writeoff: 0 },
    lastOrderAt: null, customers: 0, products: 0, events: 0, errors: [],
  };
  // Filled while reading; collectInvoices reads every line before it folds them, so it sees all of it.
  const rejected = new Set<string>();
  let last: ReadProgress = { bytes: 0, totalBytes: 0, lines: 0 };

  async function* validLines() {
    for await (const item of readRetailCsv(path, (p) => {
      last = p;
      options.onProgress?.({ ...p, phase: 'read', written: 0, toWrite: 0 });
    })) {
      result.lines++;
      if (isRetailError(item)) {
        result.errors.push(item);
        if (item.invoiceNo) rejected.add(item.invoiceNo);
      } else yield item;
    }
  }
  // The whole file is read and checked before anything is written: a broken file throws here and
  // writes nothing. Lines of an invoice are not always contiguous, so all are folded first.
  const { invoices: all, customers, products, kinds } = await collectInvoices(validLines(), rejected);
  result.kinds = kinds;
  last = { ...last, bytes: last.totalBytes, lines: result.lines };
  options.onProgress?.({ ...last, phase: 'read', written: 0, toWrite: 0, readDone: true });
  result.rejectedInvoices = rejected.size;
  const invoices = all.filter((inv) => invoiceKind(inv) !== 'none');
  result.nonSales = all.length - invoices.length;
  for (const inv of all) if (!result.lastOrderAt || inv.date > result.lastOrderAt) result.lastOrderAt = inv.date;

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
    if (invoiceKind(invoice) === 'refund') result.refunds++;
    else if (!invoice.customerId) result.guestOrders++;
    for (const e of invoiceEvents(invoice, shiftMs)) await push(e);
  }
  await flush();

  const catalogue = [...products].map(([id, p]) => ({ product_id: id, name: p.name, price: p.price, atMs: p.at.getTime() + shiftMs }));
  await upsertObservedProducts(app.clickhouse, workspaceId, catalogue, 'order');
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
