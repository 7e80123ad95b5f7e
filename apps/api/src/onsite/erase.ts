import type { App } from '../app-handle';
import { eraseFactsView } from './facts-index';
import { eraseStateView } from './state-view';

/** GDPR erasure: the profile's queued onsite messages, impressions and dismissals go with it, and decide's view of it (its message_events rows go with the journeys' eraser). */
export async function eraseOnsiteData(app: App, workspaceId: string, profileId: string): Promise<void> {
  await app.postgres.db.deleteFrom('onsite_queue').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  await app.postgres.db.deleteFrom('onsite_impressions').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  await app.postgres.db.deleteFrom('onsite_dismissals').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  await eraseStateView(app, workspaceId, profileId);
  await eraseFactsView(app, workspaceId, profileId);
}
