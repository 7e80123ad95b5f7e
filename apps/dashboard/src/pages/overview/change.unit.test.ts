import { describe, expect, it } from 'vitest';
import { change } from './change';

describe('change against the previous period', () => {
  it('reads as a signed percentage, one decimal under ten', () => {
    expect(change(112, 100)).toEqual({ text: '+12 %', direction: 'up' });
    expect(change(97, 100)).toEqual({ text: '−3 %', direction: 'down' });
    expect(change(1005, 1000)).toEqual({ text: '+0.5 %', direction: 'up' });
    expect(change(100, 100)).toEqual({ text: '±0 %', direction: 'flat' });
  });

  it('says new when there was nothing before, and nothing when there is nothing at all', () => {
    expect(change(5, 0)).toEqual({ text: 'new', direction: 'up' });
    expect(change(0, 0)).toBeNull();
    expect(change(0, 4)).toEqual({ text: '−100 %', direction: 'down' });
  });
});
