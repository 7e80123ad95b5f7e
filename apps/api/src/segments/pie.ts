import type { App } from '../app-handle';
import { chTime } from '../ingest/normalize';
import { selectRows } from '../stores/clickhouse/sql';
import { listSegments } from './store';

/** PIE prioritisation of a segment: Potential (revenue at stake), Importance (size, revenue share), Ease (reach per channel). */
export interface PieRow {
  segmentId: string;
  name: string;
  size: number;
  shareOfProfiles: number;
  revenue: number;
  shareOfRevenue: number;
  /** Potential: the summed CLTV estimate of the members. */
  potential: number;
  reach: { email: number; webPush: number; onsite: number };
}

export async function pieView(app: App, workspaceId: string): Promise<PieRow[]> {
  const segments = await listSegments(app, workspaceId);
  if (segments.length === 0) return [];
  const params = { ws: workspaceId, recent: chTime(Date.now() - 30 * 86_400_000) };
  const [totals] = await selectRows<{ profiles: string; revenue: number }>(
    app.clickhouse,
    `SELECT count() AS profiles, sum(net_revenue) AS revenue FROM profile_features WHERE workspace_id = {ws:String}`,
    params,
  );
  const rows = await selectRows<{ segment_id: string; size: string; revenue: number; potential: number; email: number; push: number; onsite: number }>(
    app.clickhouse,
    `SELECT m.segment_id AS segment_id, count() AS size, sum(f.net_revenue) AS revenue, sum(f.cltv) AS potential,
       avg(f.email_consent) AS email, avg(f.push_subscriptions > 0) AS push, avg(ifNull(f.last_onsite_at >= {recent:DateTime64(3)}, 0)) AS onsite
     FROM segment_members AS m
     INNER JOIN (SELECT profile_id, net_revenue, cltv, email_consent, push_subscriptions, last_onsite_at FROM profile_features WHERE workspace_id = {ws:String}) AS f
       ON f.profile_id = m.profile_id
     WHERE m.workspace_id = {ws:String} AND m.is_member = 1
     GROUP BY m.segment_id`,
    params,
  );
  const bySegment = new Map(rows.map((r) => [r.segment_id, r]));
  const profiles = Number(totals?.profiles ?? 0);
  const revenue = Number(totals?.revenue ?? 0);
  const share = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
  return segments
    .map((s) => {
      const r = bySegment.get(s.id);
      const size = Number(r?.size ?? 0);
      return {
        segmentId: s.id,
        name: s.name,
        size,
        shareOfProfiles: share(size, profiles),
        revenue: Math.round(Number(r?.revenue ?? 0) * 100) / 100,
        shareOfRevenue: share(Number(r?.revenue ?? 0), revenue),
        potential: Math.round(Number(r?.potential ?? 0) * 100) / 100,
        reach: { email: share(Number(r?.email ?? 0), 1), webPush: share(Number(r?.push ?? 0), 1), onsite: share(Number(r?.onsite ?? 0), 1) },
      };
    })
    .sort((a, b) => b.potential - a.potential);
}
