import { describe, expect, it } from 'vitest';
import { formatUplift, formatValue, intervalBars } from './interval';

describe('uplift interval bars', () => {
  it('share one scale symmetric around zero, the widest reach touching an edge', () => {
    const [a, b] = intervalBars([
      { ci: [0.05, 0.35], expected: 0.2 },
      { ci: [-0.1, 0.1], expected: 0 },
    ]);
    expect(a).toEqual({ lo: 0.5 + 0.05 / 0.7, hi: 1, point: 0.5 + 0.2 / 0.7, zero: 0.5, tone: 'better' });
    expect(b!.lo).toBeCloseTo(0.5 - 0.1 / 0.7, 12);
    expect(b!.tone).toBe('unclear');
  });

  it('colours by the metric’s own direction', () => {
    expect(intervalBars([{ ci: [-0.3, -0.1], expected: -0.2 }])[0]!.tone).toBe('worse');
    expect(intervalBars([{ ci: [0.1, 0.3], expected: 0.2 }], true)[0]!.tone).toBe('worse');
  });

  it('formats uplifts and values', () => {
    expect(formatUplift(0.1234, 'relative')).toBe('+12.3 %');
    expect(formatUplift(-0.05, 'relative')).toBe('−5.0 %');
    expect(formatUplift(0.01234, 'absolute')).toBe('+0.0123');
    expect(formatValue(0.1234, 'conversion')).toBe('12.34 %');
    expect(formatValue(2.5, 'revenue')).toBe('2.50');
  });
});
