import { experimentExposureEvent, experimentHash, variantForHash } from '@overture/journeys';
import type { App } from '../app-handle';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';
import { resolveProfileId } from '../profiles';
import type { Experiment } from './experiments';

export const exposureEvent = experimentExposureEvent;

/**
 * The variant a profile gets: GrowthBook's v2 hash of (experiment key, profile id) bucketed by the
 * variants' weights, the same rule journey split nodes use. A stopped experiment gives everyone the
 * control, one with a winner gives everyone the winner; neither counts as an exposure.
 */
export function assignVariant(e: Pick<Experiment, 'key' | 'variants' | 'status' | 'winner'>, profileId: string): { variant: string; exposed: boolean } {
  if (e.status === 'winner' && e.winner) return { variant: e.winner, exposed: false };
  if (e.status !== 'running') return { variant: e.variants[0]!.name, exposed: false };
  const i = variantForHash(experimentHash(e.key, profileId), e.variants.map((v) => v.weight));
  return { variant: e.variants[i]!.name, exposed: true };
}

/**
 * Sticky across devices: once any id of the profile was exposed, the profile keeps that variant,
 * even when the profile is the survivor of a merge whose own hash would say otherwise (the earliest
 * exposure of any of its ids wins, as in the readout).
 */
async function earlierVariant(app: App, workspaceId: string, key: string, profileId: string): Promise<string | null> {
  const rs = await app.clickhouse.query({
    query: `SELECT argMin(variant, exposed_at) AS variant, count() AS n FROM experiment_exposures
            WHERE workspace_id = {ws:String} AND experiment = {key:String}
              AND distinct_id IN (SELECT distinct_id FROM identities FINAL WHERE workspace_id = {ws:String} AND profile_id = {p:String})`,
    query_params: { ws: workspaceId, key, p: profileId },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ variant: string; n: string | number }>();
  return row && Number(row.n) > 0 ? row.variant : null;
}

/**
 * Assigns a person (by their user or anonymous id) and logs the exposure once: its messageId is
 * derived from (experiment, profile), so a repeat is dropped by the events store's messageId check.
 */
export async function exposeProfile(app: App, workspaceId: string, e: Experiment, ids: { userId?: string; anonymousId?: string }, context: Record<string, unknown> = {}): Promise<{ variant: string; profileId: string }> {
  const profileId = await resolveProfileId(app, workspaceId, ids);
  const assigned = assignVariant(e, profileId);
  if (!assigned.exposed) return { variant: assigned.variant, profileId };
  const sticky = await earlierVariant(app, workspaceId, e.key, profileId);
  if (sticky && e.variants.some((v) => v.name === sticky)) return { variant: sticky, profileId };
  await insertEvents(app.clickhouse, [
    normalizeEvent(
      {
        type: 'track',
        event: exposureEvent,
        messageId: `exposure:${e.key}:${profileId}`,
        ...(ids.userId ? { userId: ids.userId } : { anonymousId: ids.anonymousId }),
        timestamp: new Date().toISOString(),
        properties: { experiment: e.key, variant: assigned.variant, context },
      } as Parameters<typeof normalizeEvent>[0],
      { workspaceId, receivedAt: Date.now() },
    ),
  ]);
  return { variant: assigned.variant, profileId };
}
