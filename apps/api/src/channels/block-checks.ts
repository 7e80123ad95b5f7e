import { sql, type Kysely } from 'kysely';
import { Batcher } from '@overture/journeys';
import type { Database } from '../stores/postgres';

export type BlockCheck = { workspaceId: string; profileId: string; address: string | null; channel: string; group: string };

/**
 * Suppression and consent of many concurrent sends in one round trip (instead of two queries per
 * send). Each check still reads the tables as they are when its batch runs, after the caller asked.
 */
async function checkBlocks(db: Kysely<Database>, items: BlockCheck[]): Promise<Array<'suppressed' | 'unsubscribed' | null>> {
  const values = items.map((c, n) => sql`(${n}::int, ${c.workspaceId}::text, ${c.profileId}::text, ${c.address}::text, ${c.channel}::text, ${c.group}::text)`);
  const { rows } = await sql<{ i: number; suppressed: boolean; unsubscribed: boolean }>`
    select v.i,
      exists(select 1 from channel_suppressions s where s.workspace_id = v.ws and s.value in (v.pid, v.address) and s.channel in (v.ch, 'all')) as suppressed,
      exists(select 1 from channel_consents c where c.workspace_id = v.ws and c.profile_id = v.pid and c.channel = v.ch
        and not c.granted and (c.subscription_group = '' or (v.grp <> '' and c.subscription_group = v.grp))) as unsubscribed
    from (values ${sql.join(values)}) as v(i, ws, pid, address, ch, grp)`.execute(db);
  const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
  return items.map((_c, n) => {
    const r = byIndex.get(n);
    if (r?.suppressed) return 'suppressed';
    return r?.unsubscribed ? 'unsubscribed' : null;
  });
}


export type BlockChecks = Batcher<BlockCheck, 'suppressed' | 'unsubscribed' | null>;

/** The app's batcher of consent and suppression checks (`app.services.consentChecks`). */
export function createBlockChecks(db: Kysely<Database>): BlockChecks {
  return new Batcher((items) => checkBlocks(db, items));
}
