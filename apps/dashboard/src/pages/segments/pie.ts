import type { PieRow } from './types';

export const formatShare = (x: number) => `${(x * 100).toFixed(1)}%`;
export { formatMoney } from '../../lib/money';

/** Rows for the PIE chart: potential in money, importance and ease in percent, largest potential first. */
export function pieChartRows(rows: PieRow[]) {
  return [...rows]
    .sort((a, b) => b.potential - a.potential)
    .map((r) => ({
      name: r.name,
      potential: r.potential,
      profiles: Math.round(r.shareOfProfiles * 1000) / 10,
      revenue: Math.round(r.shareOfRevenue * 1000) / 10,
      email: Math.round(r.reach.email * 1000) / 10,
      webPush: Math.round(r.reach.webPush * 1000) / 10,
      onsite: Math.round(r.reach.onsite * 1000) / 10,
    }));
}
