import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type ExperimentKind = 'journey_split' | 'message' | 'onsite' | 'holdout';
export type ExperimentStatus = 'running' | 'stopped' | 'winner';
export type ExperimentEngine = 'bayesian' | 'frequentist';
export type ExperimentAllocation = 'fixed' | 'bandit';

export interface ExperimentsTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  kind: ExperimentKind;
  source_ref: string;
  variants: Json;
  metrics: Json;
  engine: ColumnType<ExperimentEngine, ExperimentEngine | undefined, ExperimentEngine>;
  sequential: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<ExperimentStatus, ExperimentStatus | undefined, ExperimentStatus>;
  winner: string | null;
  allocation: ColumnType<ExperimentAllocation, ExperimentAllocation | undefined, ExperimentAllocation>;
  min_weight: ColumnType<number, number | undefined, number>;
  started_at: CreatedAt;
  stopped_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ExperimentWeightsTable {
  experiment_id: string;
  workspace_id: string;
  computed_at: Date;
  /** Variant name → share (summing to 1). */
  weights: Json;
  /** Exposed profiles the re-weighting saw. */
  exposures: number;
}

export interface ExperimentTables {
  experiments: ExperimentsTable;
  experiment_weights: ExperimentWeightsTable;
}

// The store's Database type is the sum of every domain's tables: each domain adds its own here,
// so the store knows no domain.
declare module '../stores/postgres/types' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a merge, not a new type
  interface Database extends ExperimentTables {}
}
