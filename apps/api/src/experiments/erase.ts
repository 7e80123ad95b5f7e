import type { App } from '../app-handle';

/** GDPR erasure: the person's exposures (their `$experiment_exposure` events go with the profile's events). */
export async function eraseExperimentData(app: App, workspaceId: string, _profileId: string, distinctIds: string[]): Promise<void> {
  if (!distinctIds.length) return;
  await app.clickhouse.command({
    query: `DELETE FROM experiment_exposures WHERE workspace_id = {ws:String} AND distinct_id IN {ids:Array(String)}`,
    query_params: { ws: workspaceId, ids: distinctIds },
  });
}
