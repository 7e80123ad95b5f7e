import type { RfmSegmentName } from '../segments/catalog';

/** The named RFM segment of an R/F cell: the same standard grid as the server's rfmSegmentSql. */
export function rfmSegmentOf(r: number, f: number): RfmSegmentName {
  if (r === 5 && f === 1) return 'New Customers';
  if (r >= 4 && (f === 2 || f === 3)) return 'Potential Loyalist';
  if (r === 5) return 'Champions';
  if (r === 4 && f === 1) return 'Promising';
  if (r >= 3 && f >= 4) return 'Loyal';
  if (r === 3 && f === 3) return 'Need Attention';
  if (r === 3) return 'About to Sleep';
  if (f === 5) return "Can't Lose";
  if (f >= 3) return 'At Risk';
  return 'Hibernating';
}

export const segmentColors: Record<RfmSegmentName, string> = {
  Champions: '#15803d',
  Loyal: '#4d7c0f',
  'Potential Loyalist': '#0e7490',
  'New Customers': '#0284c7',
  Promising: '#4f46e5',
  'Need Attention': '#a16207',
  'About to Sleep': '#c2410c',
  'At Risk': '#b91c1c',
  "Can't Lose": '#9d174d',
  Hibernating: '#4b5563',
};

export interface GridCell {
  r: number;
  f: number;
  profiles: number;
  revenue: number;
  segment: RfmSegmentName;
  /** 0–1: this cell's value over the largest cell's, for the heat colour. */
  heat: number;
}

export type Metric = 'profiles' | 'revenue';

/** The full 5 × 5 grid, R = 5 on top and F = 1 on the left, empty cells zero-filled. */
export function buildGrid(cells: Array<{ r: number; f: number; profiles: number; revenue: number }>, metric: Metric): GridCell[][] {
  const at = new Map(cells.map((c) => [`${c.r}:${c.f}`, c]));
  const max = Math.max(0, ...cells.map((c) => c[metric]));
  const rows: GridCell[][] = [];
  for (let r = 5; r >= 1; r--) {
    const row: GridCell[] = [];
    for (let f = 1; f <= 5; f++) {
      const c = at.get(`${r}:${f}`);
      const profiles = c?.profiles ?? 0;
      const revenue = c?.revenue ?? 0;
      const value = metric === 'profiles' ? profiles : revenue;
      row.push({ r, f, profiles, revenue, segment: rfmSegmentOf(r, f), heat: max > 0 ? Math.max(0, value) / max : 0 });
    }
    rows.push(row);
  }
  return rows;
}

/** Background of a cell: from white to the accent colour as its share of the maximum grows. */
export function heatColor(heat: number): string {
  const h = Math.min(1, Math.max(0, heat));
  const mix = (from: number, to: number) => Math.round(from + (to - from) * h);
  return `rgb(${mix(248, 67)}, ${mix(250, 56)}, ${mix(252, 202)})`;
}

/** Dark text on light cells, light text on dark ones. */
export const heatText = (heat: number) => (heat > 0.5 ? '#ffffff' : '#111827');
