// Experiments: A/B tests of journey splits, messages, onsite placements and holdouts (PostgreSQL
// `experiments`, ClickHouse `experiment_exposures`), their assignment, metrics and readouts.
export { createExperiment, getExperiment, listExperiments, experimentByKey, updateExperimentSettings, stopExperiment, pickWinner, syncJourneySplits, splitVariants, ExperimentError, type Experiment } from './experiments';
export { experimentInputSchema, metricSchema, defaultMetrics, type ExperimentInput, type Metric, type Variant } from './definition';
export { assignVariant, exposeProfile, exposureEvent } from './assign';
export { variantSums, metricsQuery, variantProfilesSql, type VariantSums, type MetricSums } from './metrics';
export { readout, type Readout, type MetricReadout, type Comparison } from './readout';
export { experimentReadout, experimentSummaries, readoutOf, splitDecisions, stopAndApply, pickWinnerAndApply, type ExperimentReadout, type ExperimentSummary } from './service';
export type { ExperimentTables, ExperimentKind, ExperimentStatus, ExperimentEngine, ExperimentAllocation } from './tables';
export { eraseExperimentData } from './erase';
export { syncOnsiteExperiments, onsiteMetrics } from './onsite';
export { syncGlobalControl, globalControlExperiment, programMetrics } from './holdout';
export { switchToBandit, reweight, reweightBandits, weightsHistory, defaultMinWeight, type WeightsPoint } from './bandit';
export { startBanditWorker, banditsQueueName } from './scheduler';
export { syncMessageExperiments, messageMetrics } from './message';
