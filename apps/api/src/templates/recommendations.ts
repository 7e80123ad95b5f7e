import type { App } from '../app';
import { selectRows } from '../stores/clickhouse/sql';

export interface RecommendedProduct {
  product_id: string;
  name: string;
  price: number | null;
  url: string | null;
  image_url: string | null;
  purchases: number;
}

/**
 * Interim recommendation source until the recommendations issue lands: the workspace's best
 * sellers, i.e. products of its `Order Completed` events ranked by units bought (the same list
 * for everyone).
 */
export async function bestSellersInterim(app: App, workspaceId: string, options: { limit?: number } = {}): Promise<RecommendedProduct[]> {
  const rows = await selectRows<{ product_id: string; name: string; price: number | null; url: string; image_url: string; purchases: string }>(
    app.clickhouse,
    `WITH arrayJoin(JSONExtractArrayRaw(properties, 'products')) AS p
     SELECT
       coalesce(nullIf(JSONExtractString(p, 'product_id'), ''), nullIf(JSONExtractString(p, 'sku'), ''), JSONExtractString(p, 'id')) AS product_id,
       argMax(JSONExtractString(p, 'name'), timestamp) AS name,
       argMax(JSONExtract(p, 'price', 'Nullable(Float64)'), timestamp) AS price,
       argMax(JSONExtractString(p, 'url'), timestamp) AS url,
       argMax(JSONExtractString(p, 'image_url'), timestamp) AS image_url,
       sum(greatest(1, JSONExtract(p, 'quantity', 'Float64'))) AS purchases
     FROM events FINAL
     WHERE workspace_id = {ws:String} AND type = 'track' AND event = 'Order Completed' AND is_bot = 0
     GROUP BY product_id
     HAVING product_id != ''
     ORDER BY purchases DESC, product_id
     LIMIT {limit:UInt32}`,
    { ws: workspaceId, limit: options.limit ?? 6 },
  );
  return rows.map((r) => ({
    product_id: r.product_id,
    name: r.name,
    price: r.price === null ? null : Number(r.price),
    url: r.url || null,
    image_url: r.image_url || null,
    purchases: Number(r.purchases),
  }));
}
