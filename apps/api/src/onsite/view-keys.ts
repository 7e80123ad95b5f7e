import type { App } from '../app-handle';

/**
 * Redis keys of decide's view, under the install's prefix (the one its queues use, so installs
 * sharing a Redis never read each other's) and the workspace id (so one tenant's keys are never
 * another's). Profile ids are ours; visitors' distinct ids are only ever hash fields, never key names.
 */
const base = (app: App, workspaceId: string) => `${app.config.queuePrefix}:onsite:${workspaceId}`;

export const viewKeys = {
  /** HASH distinct id → profile id. */
  ids: (app: App, ws: string) => `${base(app, ws)}:ids`,
  /** STRING set when every profile's copy was last written in full; it expires, so drift is rewritten now and then. */
  complete: (app: App, ws: string) => `${base(app, ws)}:complete`,
  /** STRING JSON of the profile's facts ({@link ViewFacts}). */
  facts: (app: App, ws: string, profileId: string) => `${base(app, ws)}:facts:${profileId}`,
  /** ZSET of impressions, scored by time (frequency caps). */
  impressions: (app: App, ws: string, profileId: string) => `${base(app, ws)}:imp:${profileId}`,
  /** HASH placement id → last dismissal time. */
  dismissals: (app: App, ws: string, profileId: string) => `${base(app, ws)}:dis:${profileId}`,
  /** HASH message id → JSON of a queued journey message not shown yet. */
  queued: (app: App, ws: string, profileId: string) => `${base(app, ws)}:q:${profileId}`,
};

export const stateKeysOf = (app: App, ws: string, profileId: string) => [viewKeys.impressions(app, ws, profileId), viewKeys.dismissals(app, ws, profileId), viewKeys.queued(app, ws, profileId)];
