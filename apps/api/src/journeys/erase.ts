import type { App } from '../app-handle';

/** GDPR erase of a person's journey data: run state, actions, step events, entries, sink copies (channel data is the channels eraser's). */
export async function eraseJourneyData(app: App, workspaceId: string, profileId: string): Promise<void> {
  const db = app.postgres.db;
  await db.transaction().execute(async (trx) => {
    const runs = trx.selectFrom('journey_runs').select('id').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId);
    await trx.deleteFrom('journey_entries').where('profile_id', '=', profileId).where('journey_id', 'in', trx.selectFrom('journeys').select('id').where('workspace_id', '=', workspaceId)).execute();
    await trx.deleteFrom('journey_actions').where((eb) => eb.or([eb('run_id', 'in', runs), eb.and([eb('workspace_id', '=', workspaceId), eb('profile_id', '=', profileId)])])).execute();
    await trx.deleteFrom('journey_step_events').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('journey_runs').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
    await trx.deleteFrom('test_sink_messages').where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).execute();
  });
  await app.clickhouse.command({ query: 'DELETE FROM journey_events WHERE workspace_id = {ws:String} AND profile_id = {p:String}', query_params: { ws: workspaceId, p: profileId } });
}
