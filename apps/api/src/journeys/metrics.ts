import { sql, type Kysely } from 'kysely';
import type { Database } from '../stores/postgres';
import type { ClickHouseClient } from '../stores/clickhouse';
import { chTime } from '../stores/clickhouse/sql';

export interface NodeMetrics {
  nodeId: string;
  entered: number;
  waiting: number;
  completed: number;
  sent: number;
  converted: number;
  skipped: Record<string, number>;
}

export interface JourneyMetrics {
  entered: number;
  active: number;
  treatment: { profiles: number; conversions: number; rate: number };
  holdout: { profiles: number; conversions: number; rate: number };
  conversions: number;
  revenue: number;
  /** Relative lift of the conversion rate against the holdout; null without a holdout conversion baseline. */
  lift: number | null;
  attributedToMessages: number;
  nodes: NodeMetrics[];
}

/**
 * Everything comes from durable state in PostgreSQL: per-node counters from journey_step_events
 * (stored before each step's transition, one row per run, step, node and kind), waiting counts,
 * conversions, attribution and lift from run state. Nothing a killed worker held in memory counts.
 */
export async function journeyMetrics(db: Kysely<Database>, _clickhouse: ClickHouseClient | null, workspaceId: string, journeyId: string): Promise<JourneyMetrics> {
  const runs = await db
    .selectFrom('journey_runs')
    .select((eb) => [
      'holdout',
      eb.fn.countAll<string>().as('profiles'),
      sql<string>`count(*) filter (where converted_at is not null)`.as('conversions'),
      sql<string>`coalesce(sum(revenue) filter (where converted_at is not null), 0)`.as('revenue'),
      sql<string>`count(*) filter (where status in ('active', 'waiting', 'waiting_event', 'holdout'))`.as('active'),
      sql<string>`count(*) filter (where attributed_node is not null)`.as('attributed'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .groupBy('holdout')
    .execute();
  const group = (holdout: boolean) => {
    const r = runs.find((x) => x.holdout === holdout);
    const profiles = Number(r?.profiles ?? 0);
    const conversions = Number(r?.conversions ?? 0);
    return { profiles, conversions, rate: profiles ? conversions / profiles : 0 };
  };
  const treatment = group(false);
  const holdout = group(true);
  const waiting = await db
    .selectFrom('journey_runs')
    .select([sql<string>`coalesce(context->>'waitingAt', node_id)`.as('node'), (eb) => eb.fn.countAll<string>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .where('status', 'in', ['waiting', 'waiting_event'])
    .groupBy(sql`coalesce(context->>'waitingAt', node_id)`)
    .execute();
  const nodes = new Map<string, NodeMetrics>();
  const node = (id: string) => {
    let m = nodes.get(id);
    if (!m) nodes.set(id, (m = { nodeId: id, entered: 0, waiting: 0, completed: 0, sent: 0, converted: 0, skipped: {} }));
    return m;
  };
  for (const w of waiting) if (w.node) node(w.node).waiting = Number(w.n);
  const steps = await db
    .selectFrom('journey_step_events')
    .select(['node_id', 'kind', 'reason', (eb) => eb.fn.countAll<string>().as('n')])
    .where('journey_id', '=', journeyId)
    .where('workspace_id', '=', workspaceId)
    .where('node_id', '!=', '')
    .where('kind', 'in', ['entered', 'completed', 'sent', 'skipped'])
    .groupBy(['node_id', 'kind', 'reason'])
    .execute();
  for (const r of steps) {
    const m = node(r.node_id);
    const n = Number(r.n);
    if (r.kind === 'entered') m.entered += n;
    else if (r.kind === 'completed') m.completed += n;
    else if (r.kind === 'sent') m.sent += n;
    else m.skipped[r.reason || 'unknown'] = (m.skipped[r.reason || 'unknown'] ?? 0) + n;
  }
  // A conversion belongs to the message node it is attributed to, as the run records it.
  const converted = await db
    .selectFrom('journey_runs')
    .select(['attributed_node', (eb) => eb.fn.countAll<string>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .where('converted_at', 'is not', null)
    .where('attributed_node', 'is not', null)
    .groupBy('attributed_node')
    .execute();
  for (const c of converted) if (c.attributed_node) node(c.attributed_node).converted = Number(c.n);
  return {
    entered: treatment.profiles + holdout.profiles,
    active: runs.reduce((s, r) => s + Number(r.active), 0),
    treatment,
    holdout,
    conversions: treatment.conversions + holdout.conversions,
    revenue: runs.filter((r) => !r.holdout).reduce((s, r) => s + Number(r.revenue), 0),
    lift: holdout.profiles && holdout.rate > 0 ? (treatment.rate - holdout.rate) / holdout.rate : null,
    attributedToMessages: runs.reduce((s, r) => s + Number(r.attributed), 0),
    nodes: [...nodes.values()],
  };
}

export interface TimelineEntry {
  at: string;
  journeyId: string;
  version: number;
  nodeId: string;
  kind: string;
  reason: string;
  channel: string;
}

/** The journey steps of one profile, newest first, for the profile timeline. */
export async function journeyTimeline(clickhouse: ClickHouseClient, workspaceId: string, profileId: string, limit = 200): Promise<TimelineEntry[]> {
  const rs = await clickhouse.query({
    query: `SELECT at, journey_id AS journeyId, version, node_id AS nodeId, kind, reason, channel FROM journey_events
            WHERE workspace_id = {ws:String} AND profile_id = {p:String} ORDER BY at DESC LIMIT {limit:UInt32}`,
    query_params: { ws: workspaceId, p: profileId, limit },
    format: 'JSONEachRow',
  });
  return (await rs.json<TimelineEntry>()).map((r) => ({ ...r, version: Number(r.version) }));
}

/** Journey goals reached in [from, to) outside the holdout, and their revenue: the program's conversions. */
export async function conversionTotals(clickhouse: ClickHouseClient, workspaceId: string, from: Date, to: Date): Promise<{ conversions: number; revenue: number }> {
  const rs = await clickhouse.query({
    query: `SELECT count() AS conversions, round(sum(revenue), 2) AS revenue FROM journey_events
            WHERE workspace_id = {ws:String} AND kind = 'converted' AND reason = 'journey'
              AND at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)}`,
    query_params: { ws: workspaceId, from: chTime(from), to: chTime(to) },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ conversions: string; revenue: number }>();
  return { conversions: Number(row?.conversions ?? 0), revenue: Number(row?.revenue ?? 0) };
}
