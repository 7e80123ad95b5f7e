import type { App } from '../app';

/** GDPR erase of a person's channel data: their web push subscriptions (endpoints and keys). */
export async function eraseChannelData(app: App, workspaceId: string, profileId: string): Promise<void> {
  await app.postgres.db.deleteFrom('push_subscriptions').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
}
