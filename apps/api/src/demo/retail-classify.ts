import type { RetailLine } from './online-retail';

/**
 * What one line of an online-retail file is, for analytics:
 * - `product`: a purchase of a product (positive quantity and price, a real stock code, a normal invoice);
 * - `refund`: a line of a cancelled `C…` invoice with a value; refunds are matched to their customer and
 *   reduce net revenue, they are never orders;
 * - `fee`: a charge that is not a product (postage, carriage, bank and marketplace fees, commission);
 * - `adjustment`: bookkeeping that is not a sale (`A…` bad-debt invoices, manual lines, discounts,
 *   samples, gift vouchers);
 * - `writeoff`: a stock movement without a sale (£0 lines, negative quantities outside a cancellation:
 *   "damaged", "check", "?").
 * An order is a normal invoice with at least one `product` line; its revenue is the sum of those lines.
 */
export type RetailLineKind = 'product' | 'refund' | 'adjustment' | 'fee' | 'writeoff';

/** Stock codes of charges that are not products (compared upper-cased). */
const feeCodes = new Set(['POST', 'DOT', 'C2', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS']);
/** Stock codes of bookkeeping lines: manual, discount, samples, bad debt; gift vouchers by prefix. */
const adjustmentCodes = new Set(['M', 'D', 'S', 'B']);
const isGiftVoucher = (code: string) => /^gift_/i.test(code);

export function classifyRetailLine(line: Pick<RetailLine, 'invoiceNo' | 'stockCode' | 'quantity' | 'unitPrice'>): RetailLineKind {
  const code = line.stockCode.toUpperCase();
  const value = line.quantity * line.unitPrice;
  if (/^A/i.test(line.invoiceNo)) return 'adjustment';
  if (/^C/i.test(line.invoiceNo)) return value === 0 ? 'writeoff' : 'refund';
  if (feeCodes.has(code)) return 'fee';
  if (adjustmentCodes.has(code) || isGiftVoucher(code)) return 'adjustment';
  if (line.unitPrice <= 0 || line.quantity <= 0) return 'writeoff';
  return 'product';
}
