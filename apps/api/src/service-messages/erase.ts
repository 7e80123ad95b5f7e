import type { App } from '../app-handle';

/** GDPR erase of a person's one-click service actions (which order, what they asked for). */
export async function eraseServiceData(app: App, workspaceId: string, profileId: string): Promise<void> {
  await app.postgres.db.deleteFrom('service_actions').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
}
