import { sql, type Kysely } from 'kysely';
import type { Database } from '../stores/postgres';
import { listJourneys, type JourneySummary } from './journeys';

export interface JourneyOverview extends JourneySummary {
  /** The trigger of the live version, else of the draft (may be incomplete); null when there is none. */
  trigger: Record<string, unknown> | null;
  /** Runs still in the journey (active, waiting, held out until their window ends). */
  inFlight: number;
  conversions: number;
  /** Revenue of converted profiles outside the holdout. */
  revenue: number;
  /** Relative lift of the conversion rate against the holdout; null without a holdout baseline. */
  lift: number | null;
}

const asTrigger = (def: unknown): Record<string, unknown> | null => {
  const t = (def as { trigger?: unknown } | null)?.trigger;
  return t && typeof t === 'object' && !Array.isArray(t) ? (t as Record<string, unknown>) : null;
};

/** The journey list with its headline numbers: one grouped query over run state, not one per journey. */
export async function journeyOverview(db: Kysely<Database>, workspaceId: string, options: { includeArchived?: boolean } = {}): Promise<JourneyOverview[]> {
  const journeys = await listJourneys(db, workspaceId, options);
  if (!journeys.length) return [];
  const ids = journeys.map((j) => j.id);
  const [defs, live, runs] = await Promise.all([
    db.selectFrom('journeys').select(['id', 'draft']).where('id', 'in', ids).execute(),
    db
      .selectFrom('journey_versions')
      .innerJoin('journeys', (j) => j.onRef('journeys.id', '=', 'journey_versions.journey_id').onRef('journeys.published_version', '=', 'journey_versions.version'))
      .select(['journey_versions.journey_id', 'journey_versions.definition'])
      .where('journeys.id', 'in', ids)
      .execute(),
    db
      .selectFrom('journey_runs')
      .select((eb) => [
        'journey_id',
        'holdout',
        eb.fn.countAll<string>().as('profiles'),
        sql<string>`count(*) filter (where converted_at is not null)`.as('conversions'),
        sql<string>`coalesce(sum(revenue) filter (where converted_at is not null), 0)`.as('revenue'),
        sql<string>`count(*) filter (where status in ('active', 'waiting', 'waiting_event', 'holdout'))`.as('in_flight'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', 'in', ids)
      .groupBy(['journey_id', 'holdout'])
      .execute(),
  ]);
  const draftOf = new Map(defs.map((d) => [d.id, d.draft]));
  const liveOf = new Map(live.map((v) => [v.journey_id, v.definition]));
  return journeys.map((j) => {
    const mine = runs.filter((r) => r.journey_id === j.id);
    const group = (holdout: boolean) => {
      const r = mine.find((x) => x.holdout === holdout);
      const profiles = Number(r?.profiles ?? 0);
      const conversions = Number(r?.conversions ?? 0);
      return { profiles, conversions, revenue: Number(r?.revenue ?? 0), rate: profiles ? conversions / profiles : 0 };
    };
    const treatment = group(false);
    const holdout = group(true);
    return {
      ...j,
      trigger: asTrigger(liveOf.get(j.id)) ?? asTrigger(draftOf.get(j.id)),
      inFlight: mine.reduce((s, r) => s + Number(r.in_flight), 0),
      conversions: treatment.conversions + holdout.conversions,
      revenue: treatment.revenue,
      lift: holdout.profiles && holdout.rate > 0 ? (treatment.rate - holdout.rate) / holdout.rate : null,
    };
  });
}
