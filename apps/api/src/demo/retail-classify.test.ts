import { describe, expect, it } from 'vitest';
import { classifyRetailLine } from './retail-classify';

const line = (invoiceNo: string, stockCode: string, quantity: number, unitPrice: number) => ({ invoiceNo, stockCode, quantity, unitPrice });

describe('classifyRetailLine: who bought what', () => {
  it('a product line is a purchase', () => {
    expect(classifyRetailLine(line('536365', '85123A', 6, 2.55))).toBe('product');
    expect(classifyRetailLine(line('536365', 'DCGSSGIRL', 1, 3.29))).toBe('product');
  });
  it('a valued line of a C… cancellation is a refund; a £0 one a write-off', () => {
    expect(classifyRetailLine(line('C536379', '71053', -1, 3.39))).toBe('refund');
    expect(classifyRetailLine(line('C536379', 'D', -1, 27.5))).toBe('refund');
    expect(classifyRetailLine(line('C536380', '22960', -2, 0))).toBe('writeoff');
  });
  it('A… invoices, manual lines, discounts, samples, bad debt and gift vouchers are adjustments', () => {
    expect(classifyRetailLine(line('A563185', 'B', 1, 11062.06))).toBe('adjustment');
    for (const code of ['M', 'm', 'D', 'S', 'B', 'gift_0001_20']) expect(classifyRetailLine(line('540000', code, 1, 10))).toBe('adjustment');
  });
  it('postage, carriage, bank and marketplace fees, commission and pads are fees', () => {
    for (const code of ['POST', 'DOT', 'C2', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS']) expect(classifyRetailLine(line('540000', code, 1, 18))).toBe('fee');
  });
  it('£0 lines and negative quantities outside a cancellation are write-offs', () => {
    expect(classifyRetailLine(line('536414', '22139', 56, 0))).toBe('writeoff');
    expect(classifyRetailLine(line('536996', '22712', -20, 0))).toBe('writeoff');
  });
});
