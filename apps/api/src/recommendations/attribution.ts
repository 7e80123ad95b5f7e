import { randomBytes } from 'node:crypto';
import type { App } from '../app-handle';
import { chTime, selectRows } from '../stores/clickhouse/sql';
import type { RecommendedItem } from './recommend';
import type { Strategy } from './strategies';

/**
 * Attribution, stated: a block shown is an impression; a click is a page view (of the clicker, any
 * device the person is linked to) whose URL carries the block's `rec=<id>`; an order (`Order Completed`)
 * or add to cart (`Product Added`) by that person within `attributionWindowDays` after their first click,
 * of a product the block showed, is attributed to the block's strategy and placement or message.
 * Revenue counts only the recommended lines of the order (price × quantity). An order that follows
 * clicks on two blocks showing the product counts for both.
 */
export const attributionWindowDays = 7;

/** Where a block was shown: an onsite placement (its id) or a message (its template's id). */
export type RecSource = { kind: 'placement' | 'message'; id: string };

/** A recommendation id: the strategy and a short random part, carried by every link of one block shown. */
export const newRecId = (strategy: Strategy) => `${strategy}.${randomBytes(6).toString('base64url')}`;

/** The product's link with `rec=<id>` added, so a click and what follows it are attributed; null when it has none. */
export function recommendedLink(url: string | null, recId: string): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    u.searchParams.set('rec', recId);
    return u.href;
  } catch {
    return null;
  }
}

/** Records a block shown; returns at once. */
export function recordRecommendationShown(app: App, workspaceId: string, shown: { recId: string; strategy: Strategy; source: RecSource; profileId: string; items: Pick<RecommendedItem, 'product_id'>[]; atMs?: number }): void {
  app.services.recommendationImpressions.add({
    workspace_id: workspaceId, rec_id: shown.recId, strategy: shown.strategy, source_kind: shown.source.kind, source_id: shown.source.id,
    profile_id: shown.profileId, product_ids: shown.items.map((i) => i.product_id), shown_at: chTime(shown.atMs ?? Date.now()),
  });
}

/** Writes the impressions waiting in this process (also what tests call before reading). */
export function flushRecommendationImpressions(app: App): Promise<void> {
  return app.services.recommendationImpressions.flush();
}

export interface RecommendationMetric {
  strategy: string;
  source_kind: 'placement' | 'message';
  source_id: string;
  impressions: number;
  clicks: number;
  ctr: number;
  add_to_carts: number;
  orders: number;
  revenue: number;
}

const productLines = (json: string) =>
  `arrayMap(x -> (coalesce(nullIf(JSONExtractString(x, 'product_id'), ''), nullIf(JSONExtractString(x, 'sku'), ''), JSONExtractString(x, 'id')), JSONExtractFloat(x, 'price') * greatest(JSONExtractFloat(x, 'quantity'), 1)), ${json})`;

/** Impressions, clicks, CTR and attributed carts, orders and revenue per strategy and placement/message, for blocks shown in [from, to). */
export async function recommendationMetrics(app: App, workspaceId: string, range: { fromMs: number; toMs: number }): Promise<RecommendationMetric[]> {
  const rows = await selectRows<Record<string, string | number>>(
    app.clickhouse,
    `WITH
       shown AS (SELECT rec_id, strategy, source_kind, source_id, product_ids FROM rec_impressions
                 WHERE workspace_id = {ws:String} AND shown_at >= {from:DateTime64(3)} AND shown_at < {to:DateTime64(3)}),
       ids AS (SELECT distinct_id, argMax(profile_id, version) AS profile_id FROM identities WHERE workspace_id = {ws:String} GROUP BY distinct_id),
       clicks AS (
         SELECT rec AS rec_id, argMin(ids.profile_id, e.timestamp) AS profile_id, min(e.timestamp) AS clicked_at
         FROM (SELECT distinct_id, timestamp,
                      extractURLParameter(coalesce(nullIf(JSONExtractString(properties, 'url'), ''), JSONExtractString(context, 'page', 'url')), 'rec') AS rec
               FROM events FINAL
               WHERE workspace_id = {ws:String} AND type = 'page' AND is_bot = 0 AND timestamp >= {from:DateTime64(3)} AND timestamp < {until:DateTime64(3)}) AS e
         INNER JOIN ids ON ids.distinct_id = e.distinct_id
         WHERE rec IN (SELECT rec_id FROM shown)
         GROUP BY rec),
       lines AS (
         SELECT ids.profile_id AS profile_id, o.event AS event, o.message_id AS order_id, o.timestamp AS at, tupleElement(o.line, 1) AS product_id, tupleElement(o.line, 2) AS amount
         FROM (SELECT distinct_id, event, message_id, timestamp,
                      arrayJoin(if(JSONHas(properties, 'products'), ${productLines("JSONExtractArrayRaw(properties, 'products')")}, ${productLines('[properties]')})) AS line
               FROM events FINAL
               WHERE workspace_id = {ws:String} AND type = 'track' AND event IN ('Order Completed', 'Product Added') AND is_bot = 0
                 AND timestamp >= {from:DateTime64(3)} AND timestamp < {until:DateTime64(3)}) AS o
         INNER JOIN ids ON ids.distinct_id = o.distinct_id),
       attributed AS (
         SELECT c.rec_id AS rec_id,
                uniqExactIf(l.order_id, l.event = 'Order Completed') AS orders,
                sumIf(l.amount, l.event = 'Order Completed') AS revenue,
                uniqExactIf(l.order_id, l.event = 'Product Added') AS adds
         FROM clicks AS c
         INNER JOIN shown AS s ON s.rec_id = c.rec_id
         INNER JOIN lines AS l ON l.profile_id = c.profile_id
         WHERE l.at >= c.clicked_at AND l.at < c.clicked_at + toIntervalDay({window:UInt32}) AND has(s.product_ids, l.product_id)
         GROUP BY c.rec_id)
     SELECT s.strategy AS strategy, s.source_kind AS source_kind, s.source_id AS source_id,
            count() AS impressions, countIf(c.rec_id != '') AS clicks,
            sum(a.adds) AS add_to_carts, sum(a.orders) AS orders, round(sum(a.revenue), 2) AS revenue
     FROM shown AS s
     LEFT JOIN clicks AS c ON c.rec_id = s.rec_id
     LEFT JOIN attributed AS a ON a.rec_id = s.rec_id
     GROUP BY strategy, source_kind, source_id
     ORDER BY impressions DESC, strategy, source_id`,
    { ws: workspaceId, from: chTime(range.fromMs), to: chTime(range.toMs), until: chTime(range.toMs + attributionWindowDays * 86_400_000), window: attributionWindowDays },
  );
  return rows.map((r) => {
    const impressions = Number(r.impressions);
    const clicks = Number(r.clicks);
    return {
      strategy: String(r.strategy), source_kind: r.source_kind as RecommendationMetric['source_kind'], source_id: String(r.source_id),
      impressions, clicks, ctr: impressions ? clicks / impressions : 0,
      add_to_carts: Number(r.add_to_carts), orders: Number(r.orders), revenue: Number(r.revenue),
    };
  });
}
