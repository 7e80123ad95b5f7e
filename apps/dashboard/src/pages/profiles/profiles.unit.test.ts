import { describe, expect, it } from 'vitest';
import { churnLabel, formatDuration, formatFeature, otherFeatures } from './features';
import { describeItem, type TimelineItem } from './timeline';

const item = (over: Partial<TimelineItem>): TimelineItem => ({ kind: 'event', at: '2026-01-01T00:00:00Z', type: 'track', event: '', messageId: 'm', distinctId: 'd', properties: {}, ...over });

describe('feature formatting', () => {
  it('formats by kind, with a dash for missing values', () => {
    expect(formatFeature(null, 'count')).toBe('—');
    expect(formatFeature('1234', 'count')).toBe('1,234');
    expect(formatFeature(12.5, 'money')).toBe('12.50');
    expect(formatFeature(3725, 'seconds')).toBe('1 h 2 min');
    expect(formatFeature(['a', 'b'], 'list')).toBe('a, b');
    expect(formatFeature([], 'list')).toBe('—');
    expect(formatFeature(1, 'bool')).toBe('yes');
    expect(formatFeature(0, 'bool')).toBe('no');
    expect(formatFeature(42.4, 'percent')).toBe('42%');
    expect(formatFeature('abc', 'count')).toBe('abc');
    expect(formatDuration(59)).toBe('59 s');
    expect(formatDuration(61)).toBe('1 min 1 s');
  });

  it('shows features the groups do not name under Other, but not those shown elsewhere', () => {
    expect(otherFeatures({ orders: 1, rfm_r: 3, cltv: 2, brand_new_feature: 7, computed_at: 'x' })).toEqual(['brand_new_feature']);
  });

  it('describes churn risk in words', () => {
    expect(churnLabel(null)).toContain('unknown');
    expect(churnLabel(0.004, 12)).toBe('low (0.4 % likely lapsed)');
    expect(churnLabel(0.03, 4)).toBe('medium (3.0 % likely lapsed)');
    expect(churnLabel(0.42, 3)).toBe('high (42 % likely lapsed)');
    expect(churnLabel(0, 1)).toBe('not estimated (one order)');
  });
});

describe('describeItem', () => {
  it('tells segment changes, journey steps, merges, messages and pages apart', () => {
    expect(describeItem(item({ event: '$segment_entered', properties: { segment_name: 'VIP' } }))).toMatchObject({ kind: 'segment', title: 'Entered segment VIP' });
    expect(describeItem(item({ event: '$segment_exited', properties: { segment_id: 'seg_1' } }))).toMatchObject({ kind: 'segment', title: 'Left segment seg_1' });
    expect(describeItem(item({ event: '$journey_step', properties: { step: 'sent', journey_id: 'j1', version: 2, node_id: 'n1', channel: 'email' } }))).toEqual({
      kind: 'journey',
      title: 'Journey step: sent',
      detail: 'journey j1 v2 · node n1 · email',
    });
    expect(describeItem(item({ kind: 'merge', type: 'merge', properties: { from_profile_id: 'p_x', reason: 'identify', distinct_ids: ['a1'] } }))).toEqual({
      kind: 'merge',
      title: 'Merged profile p_x',
      detail: 'identify · ids a1',
    });
    expect(describeItem(item({ kind: 'message', type: 'message', properties: { channel: 'email', outcome: 'open', journey_id: 'j1' } }))).toMatchObject({ kind: 'message', title: 'email message open' });
    expect(describeItem(item({ type: 'page', event: '', properties: { path: '/shoes' } }))).toEqual({ kind: 'page', title: '/shoes', detail: '' });
    expect(describeItem(item({ type: 'page', event: 'Shoes', properties: { path: '/shoes', url: 'https://shop.example/shoes' } }))).toEqual({ kind: 'page', title: 'Shoes', detail: 'https://shop.example/shoes' });
    expect(describeItem(item({ type: 'identify' }))).toMatchObject({ kind: 'identify', title: 'Identify' });
    expect(describeItem(item({ event: 'Order Completed' }))).toMatchObject({ kind: 'event', title: 'Order Completed' });
  });
});
