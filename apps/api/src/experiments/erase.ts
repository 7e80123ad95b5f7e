import type { App } from '../app-handle';

/**
 * GDPR erasure: the person's exposures and the narrow copy of their events that metrics read (their
 * `events` rows, exposures included, go with the profile's events).
 */
export async function eraseExperimentData(app: App, workspaceId: string, _profileId: string, distinctIds: string[]): Promise<void> {
  if (!distinctIds.length) return;
  for (const table of ['experiment_exposures', 'experiment_metric_events']) {
    await app.clickhouse.command({
      query: `DELETE FROM ${table} WHERE workspace_id = {ws:String} AND distinct_id IN {ids:Array(String)}`,
      query_params: { ws: workspaceId, ids: distinctIds },
    });
  }
}
