import { outcomeRowsSql } from '../channels';
import type { ClickHouseClient } from '../stores/clickhouse';
import { revenueEvent, type Metric } from './definition';

/**
 * Sufficient statistics of one metric in one variant: over the variant's exposed profiles, the sum
 * and sum of squares of the per-profile value (y), and of the same value in the window before the
 * exposure (x, CUPED's covariate) with Σxy.
 */
export interface MetricSums {
  sum: number;
  sumSquares: number;
  preSum: number;
  preSumSquares: number;
  sumProduct: number;
}

export interface VariantSums {
  variant: string;
  /** Exposed profiles. */
  n: number;
  /** One per metric, in the experiment's order. */
  metrics: MetricSums[];
}

/** Where an outcome row enters the stream of events: its kind prefixed, never a real event name. */
const outcomePrefix = '$outcome:';

/**
 * The query, built from the metrics' shape only: every value is a parameter ({name:Type}).
 *
 * Profiles: exposures and events name distinct ids; both map to the profile the ids belong to now
 * (an id never linked counts as its own profile). A profile exposed more than once (two devices
 * before their identities merged, a repeated exposure) counts once, in the variant of its first
 * exposure, from that exposure's time.
 *
 * Shape: the events of the metrics (10M in the bench) are joined to the exposed profiles (1M) with
 * the smaller side in the hash table, aggregated per profile, then left-joined back so profiles who
 * did nothing count as zeros; the last step sums per variant.
 */
export function metricsQuery(metrics: Metric[]): { query: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const events = new Set<string>();
  const outcomes = new Set<string>();
  const columns: string[] = [];
  const finals: string[] = [];
  metrics.forEach((m, i) => {
    params[`w${i}`] = m.windowHours;
    const post = `a.ts >= x.t0 AND a.ts < x.t0 + toIntervalHour({w${i}:UInt32})`;
    const pre = `a.ts < x.t0 AND a.ts >= x.t0 - toIntervalHour({w${i}:UInt32})`;
    let match: string;
    let value = '1';
    switch (m.kind) {
      case 'conversion':
      case 'count':
        events.add(m.event);
        params[`e${i}`] = m.event;
        match = `a.name = {e${i}:String}`;
        if (m.filter) {
          params[`fp${i}`] = m.filter.property;
          params[`fv${i}`] = m.filter.equals;
          // A string property by its text, a number or boolean by its JSON (`42`, `true`).
          match += ` AND (JSONExtractString(a.properties, {fp${i}:String}) = {fv${i}:String} OR JSONExtractRaw(a.properties, {fp${i}:String}) = {fv${i}:String})`;
        }
        break;
      case 'revenue':
        events.add(revenueEvent);
        params[`e${i}`] = revenueEvent;
        match = `a.name = {e${i}:String}`;
        value = 'a.revenue';
        break;
      case 'guardrail':
        outcomes.add(m.outcome);
        params[`e${i}`] = outcomePrefix + m.outcome;
        match = `a.name = {e${i}:String}`;
        break;
    }
    columns.push(`sumIf(${value}, ${match} AND ${post}) AS y${i}`, `sumIf(${value}, ${match} AND ${pre}) AS x${i}`);
    // A conversion (and a guardrail) is whether it happened at all: 0 or 1 per profile.
    const y = m.kind === 'conversion' || m.kind === 'guardrail' ? `toFloat64(v.y${i} > 0)` : `toFloat64(v.y${i})`;
    const x = m.kind === 'conversion' || m.kind === 'guardrail' ? `toFloat64(v.x${i} > 0)` : `toFloat64(v.x${i})`;
    finals.push(`sum(${y}) AS s${i}`, `sum(${y} * ${y}) AS ss${i}`, `sum(${x}) AS ps${i}`, `sum(${x} * ${x}) AS pss${i}`, `sum(${x} * ${y}) AS sp${i}`);
  });
  params.events = [...events];
  params.outcomeKinds = [...outcomes];
  params.maxWindow = Math.max(...metrics.map((m) => m.windowHours));
  const outcomeStream = outcomes.size
    ? `UNION ALL
       SELECT profile_id AS pid, concat('${outcomePrefix}', kind) AS name, at AS ts, '' AS properties, 0 AS revenue
       FROM (${outcomeRowsSql}) WHERE at >= (SELECT min(t0) FROM exposed) - toIntervalHour({maxWindow:UInt32})`
    : '';
  const query = `
    WITH
      ids AS (SELECT distinct_id, profile_id FROM identities FINAL WHERE workspace_id = {ws:String}),
      exposed AS (
        SELECT if(i.profile_id = '', x.distinct_id, i.profile_id) AS pid, argMin(x.variant, x.exposed_at) AS variant, min(x.exposed_at) AS t0
        FROM experiment_exposures AS x FINAL
        LEFT JOIN ids AS i ON i.distinct_id = x.distinct_id
        WHERE x.workspace_id = {ws:String} AND x.experiment = {key:String}
        GROUP BY pid
      ),
      acts AS (
        SELECT if(i.profile_id = '', e.distinct_id, i.profile_id) AS pid, e.event AS name, e.timestamp AS ts, e.properties AS properties,
               if(e.event = {revenueEvent:String}, JSONExtractFloat(e.properties, 'revenue'), 0) AS revenue
        FROM events AS e FINAL
        LEFT JOIN ids AS i ON i.distinct_id = e.distinct_id
        WHERE e.workspace_id = {ws:String} AND e.event IN {events:Array(String)} AND e.is_bot = 0
          AND e.timestamp >= (SELECT min(t0) FROM exposed) - toIntervalHour({maxWindow:UInt32})
        ${outcomeStream}
      ),
      vals AS (
        SELECT a.pid AS pid, ${columns.join(', ')}
        FROM acts AS a INNER JOIN exposed AS x ON x.pid = a.pid
        GROUP BY a.pid
      )
    SELECT x.variant AS variant, count() AS n, ${finals.join(', ')}
    FROM exposed AS x LEFT JOIN vals AS v ON v.pid = x.pid
    GROUP BY x.variant
    SETTINGS join_use_nulls = 0`;
  params.revenueEvent = revenueEvent;
  return { query, params };
}

/** Per-variant sufficient statistics of an experiment's metrics, computed in ClickHouse. */
export async function variantSums(clickhouse: ClickHouseClient, workspaceId: string, key: string, metrics: Metric[]): Promise<VariantSums[]> {
  const { query, params } = metricsQuery(metrics);
  const rs = await clickhouse.query({ query, query_params: { ...params, ws: workspaceId, key }, format: 'JSONEachRow' });
  const rows = await rs.json<Record<string, string | number>>();
  return rows.map((r) => ({
    variant: String(r.variant),
    n: Number(r.n),
    metrics: metrics.map((_, i) => ({
      sum: Number(r[`s${i}`]),
      sumSquares: Number(r[`ss${i}`]),
      preSum: Number(r[`ps${i}`]),
      preSumSquares: Number(r[`pss${i}`]),
      sumProduct: Number(r[`sp${i}`]),
    })),
  }));
}
