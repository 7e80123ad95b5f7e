export interface WeightsPoint {
  at: string | Date;
  weights: Record<string, number>;
  exposures: number;
}

/** Chart rows: one per re-weighting, a share per variant (0 for a variant the point does not name). */
export function weightRows(points: WeightsPoint[], variants: string[]): Array<Record<string, number>> {
  return points.map((p) => {
    const row: Record<string, number> = { t: new Date(p.at).getTime() };
    for (const v of variants) row[v] = p.weights[v] ?? 0;
    return row;
  });
}
