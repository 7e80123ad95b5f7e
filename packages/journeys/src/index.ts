// Public surface of the journey engine: definitions, the engine and its ports. Adapters live at
// subpaths (`@overture/journeys/bullmq`), in-memory fakes of the ports at `@overture/journeys/testing`.
export {
  channelNames,
  journeyDefinitionSchema,
  nodeSchema,
  triggerSchema,
  conditionSchema,
  validateJourney,
  edgesOf,
  nodeById,
  type ChannelName,
  type Condition,
  type FrequencyCap,
  type Goal,
  type JourneyDefinition,
  type JourneyDefinitionInput,
  type JourneyNode,
  type NodeOf,
  type PropertyFilter,
  type Trigger,
  type ValidationIssue,
  type ValidationResult,
} from './definition';
export * from './ports';
export { matchesAll, matchesFilter } from './filters';
export { experimentExposureEvent, experimentHash, fnv1a32, globalControlKey, hashUnit, inGlobalControl, splitExperimentKey, variantForHash } from './hash';
export { inQuietHours, nextLocalTime, quietHoursEnd, safeTimeZone, zonedParts, zonedTimeToUtc, type QuietHours } from './time';
export { checkChannel, chooseChannel, chooseSendTime, effectiveCaps, engagementRatios, minTimeSamples, type ChannelChoice, type TimeChoice } from './choice';
export { StepRunner, evaluateAll, evaluateCondition, type StepAttempt, type StepResult } from './engine';
export { advanceRun, processStep, terminalStatuses } from './runner';
export { reconcile, type DueRuns, type ReconcileReport } from './reconciler';
export { enterJourney, enterOnEvents, eventCandidate, oncePerOccurrence, type EntryCandidate, type EntryStore, type PublishedJourney } from './entry';
export { broadcastDue, calendarDate, dateTriggerOccurrence, eventIsGoal, eventStartsJourney, goalRevenue, type TriggerEvent } from './triggers';
export { Batcher } from './batcher';
