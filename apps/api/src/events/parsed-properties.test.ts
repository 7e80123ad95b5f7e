import { afterAll, describe, expect, it } from 'vitest';
import { testClickhouse } from '@overture/api/testing';
import { migrateClickhouse } from '../stores/clickhouse';
import { run, selectRows } from '../stores/clickhouse/sql';
import { insertEvents } from './store';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';

// ClickHouse migration 0170 on real chDB: the properties the feature passes read are parsed into
// columns of `events`. Events stored before it (schema built up to 0160) read the same values as the
// same events stored after it, both before and after the background rewrite reaches their parts.
const t0 = Date.parse('2026-05-04T09:00:00Z');
const session = { sessionId: 's1', session: { id: 's1', pages: 3 } };

function events(): IncomingEvent[] {
  const at = (m: number) => new Date(t0 + m * 60_000).toISOString();
  const out: Array<Record<string, unknown>> = [
    { type: 'track', event: 'Order Completed', anonymousId: 'a', messageId: 'order', timestamp: at(1), properties: { revenue: 42.5, products: [{ product_id: 'p1', name: 'Mug', category: 'kitchen' }, { product_id: 'p2', category: 'garden' }, { name: 'Gift card' }] } },
    { type: 'track', event: 'Order Refunded', anonymousId: 'a', messageId: 'refund', timestamp: at(2), properties: { revenue: 10 } },
    { type: 'track', event: 'Product Viewed', anonymousId: 'a', messageId: 'viewed', timestamp: at(3), properties: { revenue: 99, products: [{ name: 'Not bought' }], engaged_ms: 5, depth: 50 } },
    { type: 'track', event: '$pageleave', anonymousId: 'a', messageId: 'leave', timestamp: at(4), properties: { engaged_ms: 12_500, max_scroll: 64 }, context: session },
    { type: 'track', event: '$scroll', anonymousId: 'a', messageId: 'scroll-deep', timestamp: at(5), properties: { depth: 250 } },
    { type: 'track', event: '$scroll', anonymousId: 'a', messageId: 'scroll-none', timestamp: at(6), properties: { percent: 30 } },
    { type: 'track', event: '$form_interaction', anonymousId: 'a', messageId: 'abandon', timestamp: at(7), properties: { action: 'abandon' } },
    { type: 'track', event: '$form_interaction', anonymousId: 'a', messageId: 'submit', timestamp: at(8), properties: { action: 'submit' } },
    { type: 'track', event: 'Order Completed', anonymousId: 'a', messageId: 'odd-order', timestamp: at(9), properties: { revenue: 'lots', products: 'none' } },
  ];
  return out as unknown as IncomingEvent[];
}

interface Parsed {
  message_id: string;
  order_revenue: number;
  order_products: string[];
  order_categories: string[];
  engaged_ms: number;
  form_abandon: number;
  scroll_milestone: number | null;
  scroll_page_view: string;
}

const parsed = (workspaceId: string) =>
  selectRows<Parsed>(
    testClickhouse().client,
    `SELECT message_id, order_revenue, order_products, order_categories, engaged_ms, form_abandon, scroll_milestone, scroll_page_view
     FROM events WHERE workspace_id = {ws:String} ORDER BY message_id`,
    { ws: workspaceId },
  );

const store = (workspaceId: string) => insertEvents(testClickhouse().client, events().map((e) => normalizeEvent(e, { workspaceId, receivedAt: t0 + 3_600_000 })));

describe('ClickHouse migration 0170 (parsed event properties)', () => {
  afterAll(() => testClickhouse().client.close());

  it('gives events stored before it the values the same events stored after it get', async () => {
    const ch = testClickhouse().client;
    expect((await migrateClickhouse(ch, { upTo: 160 })).at(-1)).toBe('0160_profile_watermarks_full');
    await store('before');
    expect(await migrateClickhouse(ch, { upTo: 170 })).toEqual(['0170_events_parsed_properties']);
    await store('after');

    const after = await parsed('after');
    const byId = new Map(after.map((r) => [r.message_id, r]));
    const empty = { order_revenue: 0, order_products: [], order_categories: [], engaged_ms: 0, form_abandon: 0, scroll_milestone: null, scroll_page_view: '' };
    expect(byId.get('order')).toEqual({ ...empty, message_id: 'order', order_revenue: 42.5, order_products: ['Mug', 'p2', 'Gift card'], order_categories: ['kitchen', 'garden', ''] });
    expect(byId.get('refund')).toEqual({ ...empty, message_id: 'refund', order_revenue: 10 });
    // Only the events each value belongs to carry it, whatever other events' properties say.
    expect(byId.get('viewed')).toEqual({ ...empty, message_id: 'viewed' });
    expect(byId.get('leave')).toEqual({ ...empty, message_id: 'leave', engaged_ms: 12_500, scroll_milestone: 64, scroll_page_view: 's1:3' });
    expect(byId.get('scroll-deep')).toEqual({ ...empty, message_id: 'scroll-deep', scroll_milestone: 100, scroll_page_view: 'scroll-deep' });
    expect(byId.get('scroll-none')).toEqual({ ...empty, message_id: 'scroll-none' });
    expect(byId.get('abandon')).toEqual({ ...empty, message_id: 'abandon', form_abandon: 1 });
    expect(byId.get('submit')).toEqual({ ...empty, message_id: 'submit' });
    expect(byId.get('odd-order')).toEqual({ ...empty, message_id: 'odd-order' });

    // Computed on read for the older part, then written by the rewrite: the same values both times.
    expect(await parsed('before')).toEqual(after);
    await run(ch, 'OPTIMIZE TABLE events FINAL');
    expect(await parsed('before')).toEqual(after);
  });
});
