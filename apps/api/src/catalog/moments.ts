import type { App } from '../app-handle';
import { chTime, normalizeEvent } from '../ingest/normalize';
import { findProfileId } from '../profiles';
import { selectRows } from '../stores/clickhouse/sql';
import type { CatalogMoment } from './products';
import { catalogSettingsOf } from './settings';

const maxPeoplePerMoment = 20_000;

/**
 * Tells everyone who viewed or added a product to the cart within the workspace's window that it is back in
 * stock or cheaper: one `Back In Stock` / `Price Drop` event per person and change, through the
 * normal event path, so the ready service journeys fire from the catalog alone. The message id is
 * derived from the product, the change and the profile: a retried write stores it once, and a
 * re-sent feed is no change at all.
 */
export async function announceCatalogMoments(app: App, workspaceId: string, moments: CatalogMoment[], nowMs: number): Promise<{ announced: number }> {
  if (moments.length === 0) return { announced: 0 };
  const { momentWindowDays } = await catalogSettingsOf(app, workspaceId);
  const since = chTime(nowMs - momentWindowDays * 86_400_000);
  const viewers = await selectRows<{ product_id: string; distinct_id: string; user_id: string; anonymous_id: string }>(
    app.clickhouse,
    `SELECT JSONExtractString(properties, 'product_id') AS product_id, distinct_id, any(user_id) AS user_id, any(anonymous_id) AS anonymous_id
     FROM events FINAL
     WHERE workspace_id = {ws:String} AND type = 'track' AND event IN ('Product Viewed', 'Product Added') AND is_bot = 0
       AND timestamp >= {since:DateTime64(3)} AND JSONExtractString(properties, 'product_id') IN {ids:Array(String)}
     GROUP BY product_id, distinct_id
     LIMIT {cap:UInt32}`,
    { ws: workspaceId, since, ids: moments.map((m) => m.product.product_id), cap: maxPeoplePerMoment * moments.length },
  );
  const momentOf = new Map(moments.map((m) => [m.product.product_id, m]));
  const profileOf = new Map<string, string | null>();
  const rows = [];
  const told = new Set<string>();
  for (const v of viewers) {
    if (!profileOf.has(v.distinct_id)) profileOf.set(v.distinct_id, await findProfileId(app, workspaceId, v.distinct_id));
    const profileId = profileOf.get(v.distinct_id);
    const moment = momentOf.get(v.product_id);
    if (!profileId || !moment || told.has(`${profileId}/${v.product_id}`)) continue;
    told.add(`${profileId}/${v.product_id}`);
    const p = moment.product;
    rows.push(
      normalizeEvent(
        {
          type: 'track',
          // The names the ready service journeys start on, so they fire without the brand sending anything.
          event: moment.kind === 'back_in_stock' ? 'Back In Stock' : 'Price Drop',
          messageId: `catalog-${moment.kind}-${p.product_id}-${nowMs}-${profileId}`,
          ...(v.user_id ? { userId: v.user_id } : { anonymousId: v.anonymous_id || v.distinct_id }),
          timestamp: new Date(nowMs).toISOString(),
          properties: { product_id: p.product_id, name: p.name, url: p.url ?? null, image_url: p.image_url ?? null, price: p.price ?? null, new_price: p.price ?? null, old_price: moment.oldPrice, currency: p.currency ?? null, source: 'catalog' },
        },
        { workspaceId, receivedAt: nowMs },
      ),
    );
  }
  await app.writer.write(rows);
  return { announced: rows.length };
}
