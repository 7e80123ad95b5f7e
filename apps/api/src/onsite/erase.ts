import type { App } from '../app';
import { forgetFacts } from './facts';
import { forgetState } from './state';

/** GDPR erasure: the profile's queued onsite messages, impressions and dismissals go with it (its message_events rows go with the journeys' eraser). */
export async function eraseOnsiteData(app: App, workspaceId: string, profileId: string): Promise<void> {
  await app.postgres.db.deleteFrom('onsite_queue').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  await app.postgres.db.deleteFrom('onsite_impressions').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  await app.postgres.db.deleteFrom('onsite_dismissals').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  forgetState(app, workspaceId, profileId);
  forgetFacts(app, workspaceId);
}
