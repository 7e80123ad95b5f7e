import type { IncomingEvent } from '../ingest/schema';
import type { RetailLine } from './online-retail';

export interface Invoice {
  invoiceNo: string;
  customerId: string;
  country: string;
  date: Date;
  lines: RetailLine[];
}

export interface Catalogue {
  invoices: Invoice[];
  /** Customer id → country and first invoice date. */
  customers: Map<string, { country: string; firstSeen: Date }>;
  /** Stock code → latest description and unit price. */
  products: Map<string, { name: string; price: number; at: Date }>;
}

/** Folds lines into invoices (in order of first appearance), customers and products. */
export async function collectInvoices(lines: AsyncIterable<RetailLine>): Promise<Catalogue> {
  const byNo = new Map<string, Invoice>();
  const customers: Catalogue['customers'] = new Map();
  const products: Catalogue['products'] = new Map();
  for await (const l of lines) {
    let inv = byNo.get(l.invoiceNo);
    if (!inv) {
      inv = { invoiceNo: l.invoiceNo, customerId: l.customerId, country: l.country, date: l.invoiceDate, lines: [] };
      byNo.set(l.invoiceNo, inv);
    }
    inv.lines.push(l);
    if (l.customerId) {
      const c = customers.get(l.customerId);
      if (!c || l.invoiceDate < c.firstSeen) customers.set(l.customerId, { country: c?.country ?? l.country, firstSeen: c && c.firstSeen < l.invoiceDate ? c.firstSeen : l.invoiceDate });
    }
    const p = products.get(l.stockCode);
    if (!l.invoiceNo.startsWith('C') && l.unitPrice > 0 && (!p || p.at <= l.invoiceDate)) products.set(l.stockCode, { name: l.description, price: l.unitPrice, at: l.invoiceDate });
  }
  return { invoices: [...byNo.values()], customers, products };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * An invoice as Segment-spec events: `Order Completed` (or `Order Refunded` for a cancelled `C…`
 * invoice) with its line items. Message ids are derived from the invoice, so loading twice adds nothing.
 */
export function invoiceEvents(inv: Invoice, shiftMs = 0): IncomingEvent[] {
  const refund = inv.invoiceNo.startsWith('C');
  const products = inv.lines.map((l) => ({
    product_id: l.stockCode,
    sku: l.stockCode,
    name: l.description,
    price: l.unitPrice,
    quantity: Math.abs(l.quantity),
  }));
  const total = round2(inv.lines.reduce((s, l) => s + Math.abs(l.quantity) * l.unitPrice, 0));
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
