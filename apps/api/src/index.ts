// Public surface of the API app: what other packages (the dashboard, benches) may import.
export type { AppRouter } from './trpc/root';
// Runtime entry points for benches and tools that drive the app in-process.
export { createApp } from './app';
export type { App } from './app-handle';
export { parseEnv, toConfig } from './env';
export { createClickhouse, migrateClickhouse } from './stores/clickhouse';
export { ownRedisUrl } from './stores/redis-socket';
export { insertEvents } from './events/store';
export { GroupCommitWriter } from './events/group-commit';
export type { EventRow } from './events/row';
export { createWorkspace } from './workspaces';
export { recomputeWorkspace, createSegment, refreshProfilesSegments, type SegmentDraft } from './segments';
export { refreshProfileFeatures, resolveProfileId, timeline, rfmSegments } from './profiles';
export { createJourneyRuntime, consumeJourneyEvents, createJourney, publishJourney, type JourneyRuntime, type ProfileDirectory } from './journeys';
export { sendEmail, saveEmailSettings, closeTransports } from './channels';
export { saveTemplate } from './templates';
export { savePlacement } from './onsite';
export { createExperiment, readoutOf, readout, variantSums } from './experiments';
export { loadRetailCsv } from './demo/load-retail';
export { buildModel, buildTuning, rankTuning, loadModel, liveModel, forgetModel, purchasesBetween, scoreStrategies, rankWithModel, evaluateRecommendations, easeNeighbours, easeNeighboursInWorker, indexPersonal, personalTuning, type Model } from './recommendations';
