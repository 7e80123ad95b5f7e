import { sql } from 'kysely';
import { Batcher } from '@overture/journeys';
import type { App } from '../app';

/**
 * Consent and suppression live in the journey engine's tables (`channel_consents`,
 * `channel_suppressions`), so the engine's guardrails and the senders here agree on who may be
 * messaged. Group '' stands for the channel as a whole.
 */
export async function setConsent(app: App, workspaceId: string, profileId: string, channel: string, group: string, granted: boolean): Promise<void> {
  await app.postgres.db
    .insertInto('channel_consents')
    .values({ workspace_id: workspaceId, profile_id: profileId, channel, subscription_group: group, granted })
    .onConflict((oc) => oc.columns(['workspace_id', 'profile_id', 'channel', 'subscription_group']).doUpdateSet({ granted, updated_at: new Date() }))
    .execute();
}

export async function consentsOf(app: App, workspaceId: string, profileId: string, channel: string): Promise<Map<string, boolean>> {
  const rows = await app.postgres.db
    .selectFrom('channel_consents')
    .select(['subscription_group', 'granted'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .where('channel', '=', channel)
    .execute();
  return new Map(rows.map((r) => [r.subscription_group, r.granted]));
}

/** Addresses (lower-cased emails) or profile ids that must never receive on a channel again. */
export async function suppress(app: App, workspaceId: string, value: string, channel: string, reason: string): Promise<void> {
  await app.postgres.db
    .insertInto('channel_suppressions')
    .values({ workspace_id: workspaceId, value: value.toLowerCase(), channel, reason })
    .onConflict((oc) => oc.columns(['workspace_id', 'value', 'channel']).doUpdateSet({ reason }))
    .execute();
}

type BlockCheck = { workspaceId: string; profileId: string; address: string | null; channel: string; group: string };

/**
 * Suppression and consent of many concurrent sends in one round trip (instead of two queries per
 * send). Each check still reads the tables as they are when its batch runs, after the caller asked.
 */
async function checkBlocks(app: App, items: BlockCheck[]): Promise<Array<'suppressed' | 'unsubscribed' | null>> {
  const values = items.map((c, n) => sql`(${n}::int, ${c.workspaceId}::text, ${c.profileId}::text, ${c.address}::text, ${c.channel}::text, ${c.group}::text)`);
  const { rows } = await sql<{ i: number; suppressed: boolean; unsubscribed: boolean }>`
    select v.i,
      exists(select 1 from channel_suppressions s where s.workspace_id = v.ws and s.value in (v.pid, v.address) and s.channel in (v.ch, 'all')) as suppressed,
      exists(select 1 from channel_consents c where c.workspace_id = v.ws and c.profile_id = v.pid and c.channel = v.ch
        and not c.granted and (c.subscription_group = '' or (v.grp <> '' and c.subscription_group = v.grp))) as unsubscribed
    from (values ${sql.join(values)}) as v(i, ws, pid, address, ch, grp)`.execute(app.postgres.db);
  const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
  return items.map((_c, n) => {
    const r = byIndex.get(n);
    if (r?.suppressed) return 'suppressed';
    return r?.unsubscribed ? 'unsubscribed' : null;
  });
}

const checkers = new WeakMap<App, Batcher<BlockCheck, 'suppressed' | 'unsubscribed' | null>>();

/** Why a send must be skipped, or null: `suppressed` (bounce, complaint) wins over `unsubscribed`. */
export function blockedReason(
  app: App,
  workspaceId: string,
  recipient: { profileId: string; address: string | null },
  channel: string,
  group: string,
): Promise<'suppressed' | 'unsubscribed' | null> {
  let checker = checkers.get(app);
  if (!checker) checkers.set(app, (checker = new Batcher((items) => checkBlocks(app, items))));
  return checker.call({ workspaceId, profileId: recipient.profileId, address: recipient.address ? recipient.address.toLowerCase() : null, channel, group });
}
