import { bayesianTest, FLAT_PRIOR, type Prior } from './bayesian';
import type { Difference } from './effect';
import { StatsInputError } from './errors';
import { welchTest } from './frequentist';
import { momentsOf, type MetricKind, type Moments, type VariantStats } from './moments';
import { DEFAULT_SEQUENTIAL_TUNING, sequentialTest } from './sequential';

export type Engine = 'bayesian' | 'frequentist' | 'sequential';

export interface AnalysisInput {
  metric: MetricKind;
  engine: Engine;
  difference: Difference;
  /** The first variant is the control. */
  variants: Array<VariantStats & { name: string }>;
  prior?: Prior;
  alpha?: number;
  sequentialTuning?: number;
  /** Already variance-reduced moments (e.g. from cupedAdjust), one per variant, replacing the raw ones. */
  moments?: Moments[];
}

export interface VariantReadout {
  name: string;
  expected: number;
  ci: [number, number];
  p_value?: number;
  chance_to_win?: number;
  risk?: number;
}

/** One readout row per non-control variant, each compared with the control. */
export function analyze(input: AnalysisInput): VariantReadout[] {
  const alpha = input.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new StatsInputError('alpha', 'must be between 0 and 1 (exclusive)');
  if (input.variants.length < 2) throw new StatsInputError('variants', 'needs a control and at least one treatment');
  const moments = input.moments ?? input.variants.map((v, i) => momentsOf(input.metric, v, `variants.${i}`));
  const control = moments[0]!;
  return input.variants.slice(1).map((v, idx) => {
    const treatment = moments[idx + 1]!;
    switch (input.engine) {
      case 'frequentist': {
        const r = welchTest(control, treatment, input.difference, alpha);
        return { name: v.name, expected: r.expected, ci: r.ci, p_value: r.pValue };
      }
      case 'sequential': {
        const r = sequentialTest(control, treatment, input.difference, alpha, input.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING);
        return { name: v.name, expected: r.expected, ci: r.ci, p_value: r.pValue };
      }
      case 'bayesian': {
        const r = bayesianTest(control, treatment, input.difference, input.prior ?? FLAT_PRIOR, alpha);
        return { name: v.name, expected: r.expected, ci: r.ci, chance_to_win: r.chanceToWin, risk: r.risk };
      }
    }
  });
}
