import type { IncomingEvent } from '../ingest/schema';
import type { RetailLine } from './online-retail';
import { classifyRetailLine, type RetailLineKind } from './retail-classify';

export interface Invoice {
  invoiceNo: string;
  customerId: string;
  country: string;
  date: Date;
  lines: Array<RetailLine & { kind: RetailLineKind }>;
}

export interface Catalogue {
  invoices: Invoice[];
  /** Customer id → country and first invoice date. */
  customers: Map<string, { country: string; firstSeen: Date }>;
  /** Stock code → latest description and unit price. */
  products: Map<string, { name: string; price: number; at: Date }>;
  /** Lines of each kind (classifyRetailLine). */
  kinds: Record<RetailLineKind, number>;
}

/**
 * Folds lines into invoices (in order of first appearance), customers and products, leaving out every
 * invoice named in `rejected` (one of its lines did not parse: an invoice is imported whole or not at all).
 */
export async function collectInvoices(lines: AsyncIterable<RetailLine>, rejected: ReadonlySet<string> = new Set()): Promise<Catalogue> {
  const byNo = new Map<string, Invoice>();
  const kinds: Catalogue['kinds'] = { product: 0, refund: 0, adjustment: 0, fee: 0, writeoff: 0 };
  const all: RetailLine[] = [];
  for await (const l of lines) all.push(l);
  for (const l of all) {
    if (rejected.has(l.invoiceNo)) continue;
    const kind = classifyRetailLine(l);
    kinds[kind]++;
    let inv = byNo.get(l.invoiceNo);
    if (!inv) {
      inv = { invoiceNo: l.invoiceNo, customerId: l.customerId, country: l.country, date: l.invoiceDate, lines: [] };
      byNo.set(l.invoiceNo, inv);
    }
    inv.lines.push({ ...l, kind });
  }
  const customers: Catalogue['customers'] = new Map();
  const products: Catalogue['products'] = new Map();
  for (const inv of byNo.values()) for (const l of inv.lines) {
    if (l.customerId) {
      const c = customers.get(l.customerId);
      if (!c || l.invoiceDate < c.firstSeen) customers.set(l.customerId, { country: c?.country ?? l.country, firstSeen: c && c.firstSeen < l.invoiceDate ? c.firstSeen : l.invoiceDate });
    }
    const p = products.get(l.stockCode);
    if (l.kind === 'product' && (!p || p.at <= l.invoiceDate)) products.set(l.stockCode, { name: l.description, price: l.unitPrice, at: l.invoiceDate });
  }
  return { invoices: [...byNo.values()], customers, products, kinds };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** What an invoice is: an order (≥ 1 product line), a refund (a `C…` invoice with value), or neither. */
export function invoiceKind(inv: Invoice): 'order' | 'refund' | 'none' {
  if (inv.lines.some((l) => l.kind === 'refund')) return 'refund';
  if (inv.lines.some((l) => l.kind === 'product')) return 'order';
  return 'none';
}

/**
 * An invoice as Segment-spec events: `Order Completed` with its product lines (revenue = their sum), or
 * `Order Refunded` for a cancelled `C…` invoice (its valued lines); fees, adjustments and write-offs are
 * not sales and make no event. A guest invoice (no CustomerID) keeps its order and revenue under an
 * anonymous `guest-<InvoiceNo>` id: a profile that is never ranked as a customer. Message ids derive
 * from the invoice, so loading twice adds nothing.
 */
export function invoiceEvents(inv: Invoice, shiftMs = 0): IncomingEvent[] {
  const kind = invoiceKind(inv);
  if (kind === 'none') return [];
  const refund = kind === 'refund';
  const lines = inv.lines.filter((l) => l.kind === (refund ? 'refund' : 'product'));
  const products = lines.map((l) => ({
    product_id: l.stockCode,
    sku: l.stockCode,
    name: l.description,
    price: l.unitPrice,
    quantity: Math.abs(l.quantity),
  }));
  const total = round2(lines.reduce((s, l) => s + Math.abs(l.quantity) * l.unitPrice, 0));
  const identity = inv.customerId ? { userId: inv.customerId } : { anonymousId: `guest-${inv.invoiceNo}` };
  const timestamp = new Date(inv.date.getTime() + shiftMs).toISOString();
  const event: IncomingEvent = {
    type: 'track',
    event: refund ? 'Order Refunded' : 'Order Completed',
    messageId: `retail-order-${inv.invoiceNo}`,
    ...identity,
    timestamp,
    properties: {
      order_id: refund ? inv.invoiceNo.slice(1) : inv.invoiceNo,
      ...(refund ? { refund_id: inv.invoiceNo } : {}),
      revenue: total,
      total,
      currency: 'GBP',
      products,
      ...(inv.customerId ? {} : { guest: true }),
      ...(shiftMs ? { original_timestamp: inv.date.toISOString() } : {}),
    },
    context: { source: 'online-retail-import', location: { country: inv.country } },
  };
  return [event];
}

/** One identify per customer, keyed so re-imports collapse onto it. */
export function customerIdentify(customerId: string, country: string, firstSeen: Date, shiftMs = 0): IncomingEvent {
  return {
    type: 'identify',
    messageId: `retail-customer-${customerId}`,
    userId: customerId,
    timestamp: new Date(firstSeen.getTime() + shiftMs).toISOString(),
    traits: { customer_id: customerId, country },
    context: { source: 'online-retail-import' },
  };
}
