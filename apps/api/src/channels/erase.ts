import type { App } from '../app-handle';

/** GDPR erase of a person's channel data: web push subscriptions, email sends, consent, and message outcomes. */
export async function eraseChannelData(app: App, workspaceId: string, profileId: string): Promise<void> {
  await app.postgres.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('push_subscriptions').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
    await trx.deleteFrom('email_sends').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
    await trx.deleteFrom('channel_consents').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  });
  await app.clickhouse.command({ query: 'DELETE FROM message_events WHERE workspace_id = {ws:String} AND profile_id = {p:String}', query_params: { ws: workspaceId, p: profileId } });
}
