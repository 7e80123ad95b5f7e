import { adjustPValues, analyze, cupedAdjust, momentsOf, sampleRatioMismatch, StatsInputError, type AdjustMethod, type Engine, type MetricKind, type Moments } from '@overture/stats';
import type { Metric, Variant } from './definition';
import type { VariantSums } from './metrics';

// The readout: the stats package over the sufficient statistics ClickHouse computed. Pure, so its
// decisions (which test, CUPED or not, what the verdict says) are unit-tested without stores.

export interface ReadoutOptions {
  engine: 'bayesian' | 'frequentist';
  sequential: boolean;
  alpha?: number;
  correction?: AdjustMethod;
  /**
   * A bandit's weights move over time, so its counts cannot be held against one set of weights:
   * its sample-ratio check is skipped (and says so).
   */
  bandit?: boolean;
}

export interface Comparison {
  variant: string;
  /** Relative uplift over the control (0.2 = +20 %), or the absolute difference when the control is 0. */
  expected: number;
  ci: [number, number];
  difference: 'relative' | 'absolute';
  chanceToWin?: number;
  risk?: number;
  pValue?: number;
  /** Across variants × goal and secondary metrics (Holm or Benjamini–Hochberg). */
  adjustedPValue?: number;
  /** `better` / `worse` in the metric's own sense (fewer unsubscribes is better). */
  verdict: 'better' | 'worse' | 'inconclusive';
}

export interface MetricReadout {
  name: string;
  kind: Metric['kind'];
  guardrail: boolean;
  /** The pre-exposure window explained part of the variance, and the tests used the adjusted values. */
  cuped: boolean;
  variants: Array<{ name: string; n: number; value: number }>;
  comparisons: Comparison[];
  /** A guardrail some variant made worse. */
  warning: boolean;
  /** Why there are no comparisons (too few exposures, a control at zero...). */
  note?: string;
}

export interface Readout {
  engine: Engine;
  sequential: boolean;
  exposures: number;
  variants: Array<{ name: string; n: number; weight: number }>;
  srm: { pValue: number; flagged: boolean; checked: boolean };
  metrics: MetricReadout[];
  /** For the goal metric (the first): a variant that won, or what to do next. */
  verdict: { status: 'winner' | 'no_difference' | 'keep_running' | 'srm'; variant?: string; text: string };
}

const statsKind = (m: Metric): MetricKind => (m.kind === 'conversion' || m.kind === 'guardrail' ? 'binomial' : 'mean');

export function readout(variants: Variant[], metrics: Metric[], sums: VariantSums[], options: ReadoutOptions): Readout {
  const alpha = options.alpha ?? 0.05;
  const engine: Engine = options.engine === 'bayesian' ? 'bayesian' : options.sequential ? 'sequential' : 'frequentist';
  const byName = new Map(sums.map((s) => [s.variant, s]));
  // Exposures naming a variant the experiment does not have (renamed, or forged) are left out of every test.
  const rows = variants.map((v) => byName.get(v.name) ?? { variant: v.name, n: 0, metrics: metrics.map(() => ({ sum: 0, sumSquares: 0, preSum: 0, preSumSquares: 0, sumProduct: 0 })) });
  const counts = rows.map((r) => r.n);
  const srm = options.bandit ? { pValue: 1, flagged: false } : sampleRatioMismatch(counts, variants.map((v) => v.weight));

  const metricReadouts = metrics.map((m, i) => metricReadout(m, i, rows, engine, alpha));

  // Multiple comparisons: every p-value of goal and secondary metrics, adjusted together.
  const tested = metricReadouts.flatMap((mr) => (mr.guardrail ? [] : mr.comparisons.filter((c) => c.pValue !== undefined)));
  if (tested.length) {
    const adjusted = adjustPValues(options.correction ?? 'holm', tested.map((c) => c.pValue!));
    tested.forEach((c, i) => {
      c.adjustedPValue = adjusted[i];
      if (adjusted[i]! >= alpha) c.verdict = 'inconclusive';
    });
  }

  return {
    engine,
    sequential: options.sequential,
    exposures: counts.reduce((s, n) => s + n, 0),
    variants: rows.map((r, i) => ({ name: r.variant, n: r.n, weight: variants[i]!.weight })),
    srm: { pValue: srm.pValue, flagged: srm.flagged, checked: !options.bandit },
    metrics: metricReadouts,
    verdict: verdictOf(metricReadouts[0]!, srm.flagged, engine),
  };
}

function metricReadout(m: Metric, index: number, rows: VariantSums[], engine: Engine, alpha: number): MetricReadout {
  const guardrail = m.kind === 'guardrail';
  const kind = statsKind(m);
  const base: MetricReadout = {
    name: m.name,
    kind: m.kind,
    guardrail,
    cuped: false,
    variants: rows.map((r) => ({ name: r.variant, n: r.n, value: r.n ? r.metrics[index]!.sum / r.n : 0 })),
    comparisons: [],
    warning: false,
  };
  if (rows.some((r) => r.n < 2)) return { ...base, note: 'every variant needs at least 2 exposed profiles' };
  const stats = rows.map((r) => ({ name: r.variant, n: r.n, sum: r.metrics[index]!.sum, sumSquares: r.metrics[index]!.sumSquares }));
  const cuped = cupedMoments(rows, index);
  const moments: Moments[] = cuped ?? stats.map((s, i) => momentsOf(kind, s, `variants.${i}`));
  // Relative uplift unless the control is at zero, where only an absolute difference means anything.
  const difference = moments[0]!.mean === 0 ? 'absolute' : 'relative';
  try {
    const results = analyze({ metric: kind, engine, difference, variants: stats, moments, alpha });
    const comparisons: Comparison[] = results.map((r) => {
      const up = engine === 'bayesian' ? r.chance_to_win! > 1 - alpha : r.p_value! < alpha && r.expected > 0;
      const down = engine === 'bayesian' ? r.chance_to_win! < alpha : r.p_value! < alpha && r.expected < 0;
      const verdict = up ? (guardrail ? 'worse' : 'better') : down ? (guardrail ? 'better' : 'worse') : 'inconclusive';
      return {
        variant: r.name,
        expected: r.expected,
        ci: r.ci,
        difference,
        ...(r.chance_to_win !== undefined ? { chanceToWin: r.chance_to_win, risk: r.risk } : {}),
        ...(r.p_value !== undefined ? { pValue: r.p_value } : {}),
        verdict,
      };
    });
    return { ...base, cuped: cuped !== null, comparisons, warning: guardrail && comparisons.some((c) => c.verdict === 'worse') };
  } catch (err) {
    if (err instanceof StatsInputError) return { ...base, note: err.message };
    throw err;
  }
}

/** CUPED moments when the pre-exposure window varies across profiles (otherwise it explains nothing). */
function cupedMoments(rows: VariantSums[], index: number): Moments[] | null {
  const stats = rows.map((r) => ({ n: r.n, ...r.metrics[index]! }));
  const sxx = stats.reduce((s, v) => s + v.preSumSquares - (v.preSum * v.preSum) / v.n, 0);
  if (!(sxx > 0)) return null;
  const { theta, moments } = cupedAdjust(stats);
  return theta === 0 ? null : moments;
}

function verdictOf(goal: MetricReadout, srmFlagged: boolean, engine: Engine): Readout['verdict'] {
  if (srmFlagged) return { status: 'srm', text: 'Sample ratio mismatch: the split does not match its weights, so the results cannot be trusted. Check the assignment before reading them.' };
  const winners = goal.comparisons.filter((c) => c.verdict === 'better').sort((a, b) => b.expected - a.expected);
  if (winners.length) return { status: 'winner', variant: winners[0]!.variant, text: `Enough evidence: ${winners[0]!.variant} beats the control on ${goal.name}.` };
  if (goal.comparisons.length && goal.comparisons.every((c) => c.verdict === 'worse')) return { status: 'no_difference', text: `Enough evidence: no variant beats the control on ${goal.name}; keep the control.` };
  const peeking = engine === 'sequential' ? ' The sequential test stays valid however often you look.' : engine === 'frequentist' ? ' Read a fixed-horizon test once, at the planned sample size.' : '';
  return { status: 'keep_running', text: `Keep running: not enough evidence yet on ${goal.name}.${peeking}` };
}
