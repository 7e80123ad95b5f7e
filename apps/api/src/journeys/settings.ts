import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../stores/postgres';
import { OutboundGuard } from '../stores/outbound';
import { knownTimeZone, setTimeZone, timeZoneOf } from '../workspaces';
import { workspaceSettingsSchema } from './guardrails';

const hostEntry = /^(\*\.)?[A-Za-z0-9.-]+(:\d+)?$/;

/** Journey settings of a workspace: the engine's settings plus the webhook allow-list. */
export const journeySettingsSchema = workspaceSettingsSchema.extend({
  webhookHosts: z.array(z.string().min(1).regex(hostEntry, 'a host name, *.domain or host:port')).default([]),
});
export type JourneySettings = z.infer<typeof journeySettingsSchema>;

/** What a save must pass: stored settings are read leniently, but a new default zone must be one the engine can use. */
const journeySettingsInput = journeySettingsSchema.superRefine((s, ctx) => {
  if (!knownTimeZone(s.defaultTimezone)) ctx.addIssue({ code: 'custom', path: ['defaultTimezone'], message: 'an IANA time zone name, e.g. Europe/London' });
});

/** The default zone is the workspace's time zone (one source of truth with the dashboard), not a copy kept here. */
export async function getJourneySettings(db: Kysely<Database>, workspaceId: string): Promise<JourneySettings> {
  const [row, defaultTimezone] = await Promise.all([
    db.selectFrom('journey_settings').select('settings').where('workspace_id', '=', workspaceId).executeTakeFirst(),
    timeZoneOf(db, workspaceId),
  ]);
  return { ...journeySettingsSchema.parse(row?.settings ?? {}), defaultTimezone };
}

/** An allow-list entry (`host`, `host:port`, `*.domain`) may not name a loopback, private or metadata host the operator has not allowed. */
const checkedHosts = (outbound: Pick<OutboundGuard, 'hostRefusal'>) =>
  journeySettingsInput.superRefine((s, ctx) => {
    s.webhookHosts.forEach((entry, i) => {
      if (!hostEntry.test(entry)) return; // its format is already reported
      const refusal = outbound.hostRefusal(entry.replace(/^\*\./, '').replace(/:\d+$/, ''));
      if (refusal) ctx.addIssue({ code: 'custom', path: ['webhookHosts', i], message: `must be a public host or one the operator allows (${refusal})` });
    });
  });

const strictOutbound = new OutboundGuard();

/** `outbound`: the app's guard, whose operator allow-list may admit internal hosts; without it none is. */
export async function saveJourneySettings(db: Kysely<Database>, workspaceId: string, input: unknown, outbound: Pick<OutboundGuard, 'hostRefusal'> = strictOutbound): Promise<JourneySettings> {
  const settings = checkedHosts(outbound).parse(input);
  const { defaultTimezone, ...stored } = settings;
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('journey_settings')
      .values({ workspace_id: workspaceId, settings: JSON.stringify(stored) })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ settings: JSON.stringify(stored), updated_at: new Date() }))
      .execute();
    // Only a save that names a zone moves the workspace's; the schema's default must not reset it.
    if (typeof input === 'object' && input !== null && 'defaultTimezone' in input) await setTimeZone(tx, workspaceId, defaultTimezone);
  });
  return { ...settings, defaultTimezone: await timeZoneOf(db, workspaceId) };
}

export async function webhookHostsOf(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
  return (await getJourneySettings(db, workspaceId)).webhookHosts;
}
