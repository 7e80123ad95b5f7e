// Public surface of onsite personalisation: placements, decide, the journey channel, the routes.
export { listPlacements, getPlacement, savePlacement, deletePlacement, setPlacementWinner, setPlacementVariantWeights, checkPlacement, placementInput, placementKinds, rulesSchema, recommendationBlock, type RecommendationBlock, PlacementError, type Placement, type PlacementInput, type Rules } from './placements';
export { placementVariant, onsiteExperimentKey, type PlacementVariant } from './variants';
export { exposuresWritten } from './exposures';
export { decide, type Decision, type DecideRequest, type DecideResult } from './decide';
export { OnsiteChannel, queueOnsiteMessage, queueTtlDays, saveOnsiteSettings, defaultQueueTtlDays, type QueueRequest, type QueueResult } from './queue';
export { recordOnsiteEvents, onsiteEventKinds, type OnsiteEvent } from './events';
export { previewPlacement } from './preview';
export { onsiteRoutes } from './http';
export type { OnsiteTables, PlacementKind } from './tables';
export { eraseOnsiteData } from './erase';
export { refreshFactsView } from './facts-index';
