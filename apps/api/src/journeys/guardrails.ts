import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { Batcher, channelNames, defaultSettings, type ChannelName, type Engagement, type Guardrails, type ProfileView, type WorkspaceSettings } from '@overture/journeys';
import type { ClickHouseClient } from '../stores/clickhouse';
import type { Database } from '../stores/postgres';
import { loadShared, ttlCache } from '../stores/topic-cache';
import { timeZoneOf } from '../workspaces';

export const workspaceSettingsSchema = z.object({
  channelOrder: z.array(z.enum(channelNames)).min(1).default(defaultSettings.channelOrder),
  caps: z
    .array(z.object({ channel: z.enum([...channelNames, 'all']), max: z.number().int().min(0), periodHours: z.number().positive() }))
    .default([]),
  quietHours: z.object({ start: z.number().int().min(0).max(23), end: z.number().int().min(0).max(23) }).nullable().default(defaultSettings.quietHours),
  bestHour: z.number().int().min(0).max(23).default(defaultSettings.bestHour),
  defaultTimezone: z.string().default(defaultSettings.defaultTimezone),
  globalControlPercent: z.number().min(0).max(20).default(defaultSettings.globalControlPercent),
});

const engagementDays = 180;

/** Consent, suppression, caps and settings from PostgreSQL; engagement history from ClickHouse when there is one. */
export class StoreGuardrails implements Guardrails {
  private cache = ttlCache<Promise<WorkspaceSettings>>({ max: 10_000 });

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clickhouse: ClickHouseClient | null,
    private readonly clock: { now(): number },
  ) {}

  /** A save in any process drops the copy (the runtime listens on the invalidation bus); five seconds bound a missed message. */
  forgetSettings(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  /** Steps asking at once share one read (the promise is what is cached); a failed read is not kept. */
  settings(workspaceId: string): Promise<WorkspaceSettings> {
    return loadShared(this.cache, workspaceId, 5_000, (): Promise<WorkspaceSettings> =>
      Promise.all([
        this.db.selectFrom('journey_settings').select('settings').where('workspace_id', '=', workspaceId).executeTakeFirst(),
        // The workspace's time zone is the one source of truth for the fallback zone.
        timeZoneOf(this.db, workspaceId),
      ]).then(([row, defaultTimezone]) => ({ ...workspaceSettingsSchema.parse(row?.settings ?? {}), defaultTimezone }) as WorkspaceSettings),
    );
  }

  /** Consent (channel-wide, then the node's group) and the suppression list: one round trip for many concurrent steps. */
  blocker(workspaceId: string, profile: ProfileView, channel: ChannelName, group: string | undefined): Promise<string | null> {
    const email = typeof profile.traits.email === 'string' && profile.traits.email ? profile.traits.email.toLowerCase() : null;
    return this.blockers.call({ workspaceId, profileId: profile.id, channel, group: group ?? null, email });
  }

  private readonly blockers = new Batcher<{ workspaceId: string; profileId: string; channel: string; group: string | null; email: string | null }, string | null>(async (items) => {
    const values = items.map((i, n) => sql`(${n}::int, ${i.workspaceId}::text, ${i.profileId}::text, ${i.channel}::text, ${i.group}::text, ${i.email}::text)`);
    const { rows } = await sql<{ i: number; channel_consent: boolean | null; group_consent: boolean | null; suppressed: boolean }>`
      select v.i,
        (select c.granted from channel_consents c where c.workspace_id = v.ws and c.profile_id = v.pid and c.channel = v.ch and c.subscription_group = '') as channel_consent,
        (select c.granted from channel_consents c where c.workspace_id = v.ws and c.profile_id = v.pid and c.channel = v.ch and c.subscription_group = v.grp) as group_consent,
        exists(select 1 from channel_suppressions s where s.workspace_id = v.ws and s.value in (v.pid, v.email) and s.channel in (v.ch, 'all')) as suppressed
      from (values ${sql.join(values)}) as v(i, ws, pid, ch, grp, email)`.execute(this.db);
    const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
    return items.map((item, n) => {
      const r = byIndex.get(n);
      if (r?.channel_consent === false) return 'consent';
      if (r?.group_consent === false) return `consent:${item.group}`;
      return r?.suppressed ? 'suppressed' : null;
    });
  });

  async sentSince(workspaceId: string, profileId: string, channel: ChannelName | 'all', sinceMs: number): Promise<number> {
    let q = this.db
      .selectFrom('journey_actions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .where('claimed_at', '>=', sinceMs)
      .where('channel', 'is not', null)
      // A claimed action may be mid-send: it counts, so two runs racing cannot both pass a cap of 1.
      .where((eb) => eb.or([eb('state', '=', 'claimed'), eb(sql`outcome->>'status'`, '=', 'sent')]));
    if (channel !== 'all') q = q.where('channel', '=', channel);
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async engagement(workspaceId: string, profileId: string): Promise<Engagement> {
    if (!this.clickhouse) return { perChannel: {}, engagementTimes: [] };
    const since = new Date(this.clock.now() - engagementDays * 86_400_000).toISOString();
    const rs = await this.clickhouse.query({
      query: `SELECT channel,
                uniqExactIf(message_id, kind = 'sent') AS received,
                uniqExactIf(message_id, kind IN ('open', 'click')) AS engaged
              FROM message_events
              WHERE workspace_id = {ws:String} AND profile_id = {p:String} AND at >= parseDateTime64BestEffort({since:String}, 3)
              GROUP BY channel`,
      query_params: { ws: workspaceId, p: profileId, since },
      format: 'JSONEachRow',
    });
    const perChannel: Engagement['perChannel'] = {};
    for (const r of await rs.json<{ channel: string; received: string; engaged: string }>()) {
      if ((channelNames as readonly string[]).includes(r.channel)) perChannel[r.channel as ChannelName] = { received: Number(r.received), engaged: Number(r.engaged) };
    }
    // Sessions count as engagement too: the hours someone browses are hours they read.
    const times = await this.clickhouse.query({
      query: `SELECT toUnixTimestamp64Milli(at) AS t FROM message_events
                WHERE workspace_id = {ws:String} AND profile_id = {p:String} AND kind IN ('open', 'click') AND at >= parseDateTime64BestEffort({since:String}, 3)
              UNION ALL
              SELECT toUnixTimestamp64Milli(timestamp) AS t FROM events
                WHERE workspace_id = {ws:String} AND (distinct_id = {p:String} OR user_id = {p:String}) AND event IN ('$session_start', '$pageview')
                  AND timestamp >= parseDateTime64BestEffort({since:String}, 3)
              LIMIT 5000`,
      query_params: { ws: workspaceId, p: profileId, since },
      format: 'JSONEachRow',
    });
    const engagementTimes = (await times.json<{ t: string }>()).map((r) => Number(r.t));
    return { perChannel, engagementTimes };
  }
}
