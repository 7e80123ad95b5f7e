import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../stores/postgres';
import { workspaceSettingsSchema } from './guardrails';

/** Journey settings of a workspace: the engine's settings plus the webhook allow-list. */
export const journeySettingsSchema = workspaceSettingsSchema.extend({
  webhookHosts: z.array(z.string().min(1).regex(/^(\*\.)?[A-Za-z0-9.-]+(:\d+)?$/, 'a host name, *.domain or host:port')).default([]),
});
export type JourneySettings = z.infer<typeof journeySettingsSchema>;

const knownTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** What a save must pass: stored settings are read leniently, but a new default zone must be one the engine can use. */
const journeySettingsInput = journeySettingsSchema.superRefine((s, ctx) => {
  if (!knownTimeZone(s.defaultTimezone)) ctx.addIssue({ code: 'custom', path: ['defaultTimezone'], message: 'an IANA time zone name, e.g. Europe/London' });
});

export async function getJourneySettings(db: Kysely<Database>, workspaceId: string): Promise<JourneySettings> {
  const row = await db.selectFrom('journey_settings').select('settings').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return journeySettingsSchema.parse(row?.settings ?? {});
}

export async function saveJourneySettings(db: Kysely<Database>, workspaceId: string, input: unknown): Promise<JourneySettings> {
  const settings = journeySettingsInput.parse(input);
  await db
    .insertInto('journey_settings')
    .values({ workspace_id: workspaceId, settings: JSON.stringify(settings) })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ settings: JSON.stringify(settings), updated_at: new Date() }))
    .execute();
  return settings;
}

export async function webhookHostsOf(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
  return (await getJourneySettings(db, workspaceId)).webhookHosts;
}
