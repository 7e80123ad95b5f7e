import type { App } from '../app-handle';
import { forgetModel } from './model';

/** GDPR erasure: the person's affinities in every model version and the blocks shown to them; the model in memory is dropped so it reloads without them. */
export async function eraseRecommendationData(app: App, workspaceId: string, profileId: string): Promise<void> {
  for (const table of ['rec_affinity', 'rec_impressions']) {
    await app.clickhouse.command({
      query: `DELETE FROM ${table} WHERE workspace_id = {ws:String} AND profile_id = {p:String}`,
      query_params: { ws: workspaceId, p: profileId },
    });
  }
  forgetModel(app, workspaceId);
}
