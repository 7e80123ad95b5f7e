import { describe, expect, it } from 'vitest';
import { campaignFrom, campaignKey } from './acquisition';

describe('campaignFrom', () => {
  it('reads UTM parameters under Segment names and ad click ids', () => {
    expect(campaignFrom('?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&gclid=abc&x=1')).toEqual({
      source: 'news',
      medium: 'email',
      name: 'spring',
      term: 'shoes',
      content: 'hero',
      gclid: 'abc',
    });
    expect(campaignFrom('?fbclid=xyz')).toEqual({ fbclid: 'xyz' });
  });

  it('is undefined without campaign parameters, and bounds long values', () => {
    expect(campaignFrom('?q=shoes')).toBeUndefined();
    expect(campaignFrom('')).toBeUndefined();
    expect(campaignFrom('?utm_source=' + 'a'.repeat(500))!.source).toHaveLength(100);
  });
});

describe('campaignKey', () => {
  it('tells campaigns apart and is stable', () => {
    expect(campaignKey(undefined)).toBe('');
    expect(campaignKey({ source: 'a' })).toBe(campaignKey({ source: 'a' }));
    expect(campaignKey({ source: 'a' })).not.toBe(campaignKey({ source: 'b' }));
  });
});
