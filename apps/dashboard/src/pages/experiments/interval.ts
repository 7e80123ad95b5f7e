/** Where an uplift interval sits on a bar centred on zero: positions in [0, 1] of one shared scale. */
export interface IntervalBar {
  lo: number;
  hi: number;
  point: number;
  zero: number;
  tone: 'better' | 'worse' | 'unclear';
}

/**
 * One scale for every interval of a metric, symmetric around zero so "no effect" is always the
 * middle and widths compare across variants. `lowerIsBetter` flips the colours (guardrails).
 */
export function intervalBars(intervals: Array<{ ci: [number, number]; expected: number }>, lowerIsBetter = false): IntervalBar[] {
  const reach = Math.max(1e-9, ...intervals.flatMap((i) => [Math.abs(i.ci[0]), Math.abs(i.ci[1])]).filter(Number.isFinite));
  const at = (x: number) => Math.min(1, Math.max(0, 0.5 + (Number.isFinite(x) ? x : Math.sign(x)) / (2 * reach)));
  return intervals.map((i) => {
    const above = i.ci[0] > 0;
    const below = i.ci[1] < 0;
    const tone = above ? (lowerIsBetter ? 'worse' : 'better') : below ? (lowerIsBetter ? 'better' : 'worse') : 'unclear';
    return { lo: at(i.ci[0]), hi: at(i.ci[1]), point: at(i.expected), zero: 0.5, tone };
  });
}

/** +12.3 % for a relative uplift, +0.0123 for an absolute one. */
export function formatUplift(x: number, difference: 'relative' | 'absolute'): string {
  const sign = x > 0 ? '+' : x < 0 ? '−' : '';
  return difference === 'relative' ? `${sign}${(Math.abs(x) * 100).toFixed(1)} %` : `${sign}${Math.abs(x).toPrecision(3)}`;
}

/** A conversion rate as a percentage, a mean (revenue, counts) with two decimals. */
export function formatValue(value: number, kind: string): string {
  return kind === 'conversion' || kind === 'guardrail' ? `${(value * 100).toFixed(2)} %` : value.toFixed(2);
}
