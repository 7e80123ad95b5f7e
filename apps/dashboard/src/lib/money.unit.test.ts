import { describe, expect, it } from 'vitest';
import { formatMoney } from './money';

describe('money', () => {
  it('shows two decimals, with the currency when it is known', () => {
    expect(formatMoney(1234.5)).toBe('1,234.50');
    expect(formatMoney(1234.5, 'GBP')).toBe('£1,234.50');
    expect(formatMoney(-3, 'EUR')).toBe('-€3.00');
    expect(formatMoney(10, 'CHF')).toBe('CHF\u00a010.00');
  });
});
