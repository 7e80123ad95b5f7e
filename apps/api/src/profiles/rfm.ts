import type { App } from '../app-handle';
import { chToIso, selectRows } from '../stores/clickhouse/sql';
import { profileLabels } from './labels';

export interface RfmCell {
  r: number;
  f: number;
  profiles: number;
  revenue: number;
}

/** The 5 × 5 R/F grid (counts and net revenue per cell) and the size of each named RFM segment. */
export async function rfmGrid(app: App, workspaceId: string): Promise<{ cells: RfmCell[]; segments: Array<{ segment: string; profiles: number; revenue: number }> }> {
  const [cells, segments] = await Promise.all([
    selectRows<{ r: number; f: number; profiles: string; revenue: number }>(
      app.clickhouse,
      `SELECT rfm_r AS r, rfm_f AS f, count() AS profiles, round(sum(net_revenue), 2) AS revenue FROM profile_features
       WHERE workspace_id = {ws:String} AND rfm_r > 0 GROUP BY r, f ORDER BY r, f`,
      { ws: workspaceId },
    ),
    selectRows<{ segment: string; profiles: string; revenue: number }>(
      app.clickhouse,
      `SELECT rfm_segment AS segment, count() AS profiles, round(sum(net_revenue), 2) AS revenue FROM profile_features
       WHERE workspace_id = {ws:String} AND rfm_r > 0 GROUP BY segment ORDER BY profiles DESC`,
      { ws: workspaceId },
    ),
  ]);
  return {
    cells: cells.map((c) => ({ r: Number(c.r), f: Number(c.f), profiles: Number(c.profiles), revenue: Number(c.revenue) })),
    segments: segments.map((s) => ({ segment: s.segment, profiles: Number(s.profiles), revenue: Number(s.revenue) })),
  };
}

/** Profiles of one grid cell, most valuable first. */
export async function rfmCellProfiles(app: App, workspaceId: string, r: number, f: number, limit: number, offset: number) {
  const rows = await selectRows<{ profile_id: string; email: string; orders: number; net_revenue: number; last_order_at: string | null; rfm_m: number; rfm_segment: string }>(
    app.clickhouse,
    `SELECT profile_id, email, orders, net_revenue, last_order_at, rfm_m, rfm_segment FROM profile_features
     WHERE workspace_id = {ws:String} AND rfm_r = {r:UInt8} AND rfm_f = {f:UInt8}
     ORDER BY net_revenue DESC, profile_id LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { ws: workspaceId, r, f, limit, offset },
  );
  const labels = await profileLabels(app, workspaceId, rows.map((x) => x.profile_id));
  return rows.map((x) => {
    const label = labels.get(x.profile_id)!;
    return { id: x.profile_id, name: label.name, userId: label.userId, email: x.email || label.email, orders: Number(x.orders), revenue: Number(x.net_revenue), lastOrderAt: chToIso(x.last_order_at), m: Number(x.rfm_m), segment: x.rfm_segment };
  });
}
