import { describe, expect, it } from 'vitest';
import { rfmCells, rfmFilterOf, rfmOptionValue, rfmParams, suggestedSegmentName } from './rfmFilter';

describe('the profiles list RFM filter', () => {
  it('reads a segment name or a cell from the URL, and ignores anything else', () => {
    expect(rfmFilterOf(new URLSearchParams('rfm=At+Risk'))).toEqual({ rfmSegment: 'At Risk' });
    expect(rfmFilterOf(new URLSearchParams('r=5&f=1'))).toEqual({ rfm: { r: 5, f: 1 } });
    expect(rfmFilterOf(new URLSearchParams('rfm=Sleepers'))).toBeNull();
    expect(rfmFilterOf(new URLSearchParams('r=6&f=1'))).toBeNull();
    expect(rfmFilterOf(new URLSearchParams('r=5'))).toBeNull();
  });

  it('round-trips through the select: value → URL params → filter', () => {
    for (const value of ['name:Champions', 'cell:3:4', '']) {
      const params = new URLSearchParams(Object.entries(rfmParams(value)).filter((e): e is [string, string] => !!e[1]));
      expect(rfmOptionValue(rfmFilterOf(params))).toBe(value);
    }
    expect(rfmCells).toHaveLength(25);
    expect(rfmCells[0]).toEqual({ value: 'cell:5:1', label: 'R5 F1 · New Customers' });
  });

  it('suggests a segment name from the filters', () => {
    expect(suggestedSegmentName({ rfmSegment: 'Champions' }, 'Newsletter')).toBe('Newsletter · Champions');
    expect(suggestedSegmentName({ rfm: { r: 2, f: 5 } }, undefined)).toBe('RFM R2 F5');
    expect(suggestedSegmentName(null, undefined)).toBe('Saved list');
  });
});
