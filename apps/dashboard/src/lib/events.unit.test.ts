import { describe, expect, it } from 'vitest';
import { describeEvent, pageUrlOf, sortTypes, type EventView } from './events';

const base: EventView = {
  messageId: 'm1',
  type: 'track',
  event: '',
  anonymousId: 'a1',
  userId: '',
  timestamp: '2026-01-01T00:00:00.000Z',
  receivedAt: '2026-01-01T00:00:00.000Z',
  properties: {},
  traits: {},
  context: {},
  isBot: false,
  botReason: '',
};

describe('describeEvent', () => {
  it('prefers the event name', () => {
    expect(describeEvent({ ...base, event: 'Order Completed', properties: { name: 'x' } })).toBe('Order Completed');
  });

  it('labels unnamed pages by path and identifies by email', () => {
    expect(describeEvent({ ...base, type: 'page', context: { page: { path: '/cart' } } })).toBe('/cart');
    expect(describeEvent({ ...base, type: 'identify', traits: { email: 'a@b.c' } })).toBe('a@b.c');
    expect(describeEvent({ ...base, type: 'alias' })).toBe('');
  });
});

describe('pageUrlOf', () => {
  it('reads the page URL from context, then properties', () => {
    expect(pageUrlOf({ ...base, context: { page: { url: 'https://a.example/' } } })).toBe('https://a.example/');
    expect(pageUrlOf({ ...base, properties: { url: 'https://b.example/' } })).toBe('https://b.example/');
    expect(pageUrlOf(base)).toBe('');
  });
});

describe('sortTypes', () => {
  it('puts the common calls first, unknown types after by name, without duplicates', () => {
    expect(sortTypes(['zeta', 'identify', 'page', 'alpha', 'track', 'page'])).toEqual(['track', 'page', 'identify', 'alpha', 'zeta']);
  });
});
