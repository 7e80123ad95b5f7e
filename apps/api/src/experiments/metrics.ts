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


/**
 * The query, built from the metrics' shape only: every value is a parameter ({name:Type}).
 *
 * Profiles: exposures and events name distinct ids; both map to the profile the ids belong to now
 * (an id never linked counts as its own profile). A profile exposed more than once (two devices
 * before their identities merged, a repeated exposure) counts once, in the variant of its first
 * exposure, from that exposure's time.
 *
 * Shape: one pass, no join of events to exposures. Exposures, the metrics' events and (for
 * guardrails) message outcomes stream together through the identity map and group by profile: the
 * first exposure gives variant and time, the profile's events are kept as (time, value, bitmask of
 * the metrics they match), and each metric's windows are then counted over that small array. Only
 * the identity map is held in a hash table; each row is read once. Profiles group by a 64-bit hash of
 * their id (about 3·10⁻⁸ odds of any collision among a million), far cheaper than by the text.
 */
export function metricsQuery(metrics: Metric[]): { query: string; params: Record<string, unknown> } {
  if (metrics.length > 30) throw new Error('at most 30 metrics fit the per-event bitmask');
  const params: Record<string, unknown> = {};
  const events = new Set<string>();
  const outcomes = new Set<string>();
  const eventBits: string[] = [];
  const outcomeBits: string[] = [];
  const perProfile: string[] = [];
  const finals: string[] = [];
  metrics.forEach((m, i) => {
    params[`w${i}`] = m.windowHours;
    const bit = `toUInt32(${1 << i})`;
    switch (m.kind) {
      case 'conversion':
      case 'count': {
        events.add(m.event);
        params[`e${i}`] = m.event;
        let match = `e.event = {e${i}:String}`;
        if (m.filter) {
          params[`fp${i}`] = m.filter.property;
          params[`fv${i}`] = m.filter.equals;
          // A string property by its text, a number or boolean by its JSON (`42`, `true`).
          match += ` AND (JSONExtractString(e.properties, {fp${i}:String}) = {fv${i}:String} OR JSONExtractRaw(e.properties, {fp${i}:String}) = {fv${i}:String})`;
        }
        eventBits.push(`if(${match}, ${bit}, 0)`);
        break;
      }
      case 'revenue':
        events.add(revenueEvent);
        eventBits.push(`if(e.event = {revenueEvent:String}, ${bit}, 0)`);
        break;
      case 'guardrail':
        outcomes.add(m.outcome);
        params[`o${i}`] = m.outcome;
        outcomeBits.push(`if(kind = {o${i}:String}, ${bit}, 0)`);
        break;
    }
    // a = (time, value, bitmask); a revenue metric sums values, every other metric counts matches.
    const agg = m.kind === 'revenue' ? 'arraySum' : 'arrayCount';
    const term = m.kind === 'revenue' ? 'a.2' : '1';
    const inWindow = (cond: string) => `${agg}(a -> if(bitAnd(a.3, ${bit}) != 0 AND ${cond}, ${term}, 0), acts)`;
    perProfile.push(
      `${inWindow(`a.1 >= t0 AND a.1 < t0 + toIntervalHour({w${i}:UInt32})`)} AS y${i}`,
      `${inWindow(`a.1 < t0 AND a.1 >= t0 - toIntervalHour({w${i}:UInt32})`)} AS x${i}`,
    );
    // A conversion (and a guardrail) is whether it happened at all: 0 or 1 per profile.
    const binary = m.kind === 'conversion' || m.kind === 'guardrail';
    const y = binary ? `toFloat64(y${i} > 0)` : `toFloat64(y${i})`;
    const x = binary ? `toFloat64(x${i} > 0)` : `toFloat64(x${i})`;
    finals.push(`sum(${y}) AS s${i}`, `sum(${y} * ${y}) AS ss${i}`, `sum(${x}) AS ps${i}`, `sum(${x} * ${x}) AS pss${i}`, `sum(${x} * ${y}) AS sp${i}`);
  });
  params.events = [...events];
  params.outcomeKinds = [...outcomes];
  params.revenueEvent = revenueEvent;
  params.maxWindow = Math.max(...metrics.map((m) => m.windowHours));
  const eventStream = events.size
    ? `UNION ALL
       SELECT e.distinct_id AS distinct_id, '' AS profile_id, 1 AS exposure, '' AS variant, e.timestamp AS ts,
              if(e.event = {revenueEvent:String}, JSONExtractFloat(e.properties, 'revenue'), 0) AS value, ${eventBits.length ? eventBits.join(' + ') : '0'} AS bits
       FROM events AS e FINAL
       WHERE e.workspace_id = {ws:String} AND e.event IN {events:Array(String)} AND e.is_bot = 0 AND e.timestamp >= {from:DateTime64(3, 'UTC')} - toIntervalHour({maxWindow:UInt32})`
    : '';
  const outcomeStream = outcomes.size
    ? `UNION ALL
       SELECT '' AS distinct_id, profile_id, 1 AS exposure, '' AS variant, at AS ts, 0 AS value, ${outcomeBits.join(' + ')} AS bits
       FROM (${outcomeRowsSql}) WHERE at >= {from:DateTime64(3, 'UTC')} - toIntervalHour({maxWindow:UInt32})`
    : '';
  const query = `
    SELECT variant, count() AS n, ${finals.join(', ')}
    FROM (
      SELECT variant, ${perProfile.join(', ')}
      FROM (
        SELECT cityHash64(if(s.profile_id != '', s.profile_id, if(i.profile_id != '', i.profile_id, s.distinct_id))) AS pid,
               argMinIf(s.variant, s.ts, s.exposure = 0) AS variant, minIf(s.ts, s.exposure = 0) AS t0,
               groupArrayIf((s.ts, toFloat64(s.value), toUInt32(s.bits)), s.exposure = 1) AS acts
        FROM (
          SELECT distinct_id, '' AS profile_id, 0 AS exposure, variant, exposed_at AS ts, 0 AS value, 0 AS bits
          FROM experiment_exposures WHERE workspace_id = {ws:String} AND experiment = {key:String}
          ${eventStream}
          ${outcomeStream}
        ) AS s
        LEFT JOIN (SELECT distinct_id, profile_id FROM identities FINAL WHERE workspace_id = {ws:String}) AS i ON i.distinct_id = s.distinct_id
        GROUP BY pid
        HAVING countIf(s.exposure = 0) > 0
      )
    )
    GROUP BY variant
    SETTINGS join_use_nulls = 0`;
  return { query, params };
}

/** Per-variant sufficient statistics of an experiment's metrics, computed in ClickHouse. */
export async function variantSums(clickhouse: ClickHouseClient, workspaceId: string, key: string, metrics: Metric[]): Promise<VariantSums[]> {
  // The earliest exposure bounds the events read (minus the widest window, for the pre-period).
  const first = await clickhouse.query({
    query: `SELECT toString(min(exposed_at)) AS t, count() AS n FROM experiment_exposures WHERE workspace_id = {ws:String} AND experiment = {key:String}`,
    query_params: { ws: workspaceId, key },
    format: 'JSONEachRow',
  });
  const [bound] = await first.json<{ t: string; n: string | number }>();
  if (!bound || Number(bound.n) === 0) return [];
  const { query, params } = metricsQuery(metrics);
  const rs = await clickhouse.query({ query, query_params: { ...params, ws: workspaceId, key, from: bound.t }, format: 'JSONEachRow' });
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

/**
 * The profile ids in one variant of an experiment, as a ClickHouse subquery for an audience filter: a
 * person counts once, in the variant of the earliest exposure of any of their ids (as in the readout).
 * Parameters: `ws`, `xpKey`, `xpVariant`.
 */
export function variantProfilesSql(workspaceId: string, key: string, variant: string): { sql: string; params: Record<string, string> } {
  return {
    sql: `SELECT pid FROM (
        SELECT if(i.profile_id != '', i.profile_id, x.distinct_id) AS pid, argMin(x.variant, x.exposed_at) AS first_variant
        FROM (SELECT distinct_id, variant, exposed_at FROM experiment_exposures WHERE workspace_id = {ws:String} AND experiment = {xpKey:String}) AS x
        LEFT JOIN (SELECT distinct_id, profile_id FROM identities FINAL WHERE workspace_id = {ws:String}) AS i ON i.distinct_id = x.distinct_id
        GROUP BY pid
      ) WHERE first_variant = {xpVariant:String}`,
    params: { ws: workspaceId, xpKey: key, xpVariant: variant },
  };
}
