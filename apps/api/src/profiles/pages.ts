import type { App } from '../app-handle';
import { selectRows } from '../stores/clickhouse/sql';

export interface PageStats {
  /** Most visited pages with their view counts (per-page frequency), most viewed first. */
  top: Array<{ path: string; views: number }>;
  categories: Array<{ category: string; views: number }>;
}

/** Page-visit detail of one profile, read on demand: cheap for one person, costly to keep for everyone. */
export async function pageStats(app: App, workspaceId: string, distinctIds: string[], limit = 10): Promise<PageStats> {
  if (distinctIds.length === 0) return { top: [], categories: [] };
  const params = { ws: workspaceId, ids: distinctIds, limit };
  const where = `workspace_id = {ws:String} AND distinct_id IN {ids:Array(String)} AND type = 'page'`;
  const [top, categories] = await Promise.all([
    selectRows<{ path: string; views: string }>(
      app.clickhouse,
      `SELECT JSONExtractString(properties, 'path') AS path, count() AS views FROM events WHERE ${where}
       GROUP BY path HAVING path != '' ORDER BY views DESC, path LIMIT {limit:UInt32}`,
      params,
    ),
    selectRows<{ category: string; views: string }>(
      app.clickhouse,
      `SELECT JSONExtractString(properties, 'category') AS category, count() AS views FROM events WHERE ${where}
       GROUP BY category HAVING category != '' ORDER BY views DESC, category LIMIT {limit:UInt32}`,
      params,
    ),
  ]);
  return {
    top: top.map((r) => ({ path: r.path, views: Number(r.views) })),
    categories: categories.map((r) => ({ category: r.category, views: Number(r.views) })),
  };
}
