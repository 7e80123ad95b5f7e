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
 * Where the metrics' events are read: `narrow` reads `experiment_metric_events` (a few columns,
 * revenue already parsed) for every metric it can serve, and `events` only for metrics filtered on a
 * property; `raw` reads every metric's events from `events` (the reference the narrow path is tested
 * against).
 */
export type EventSource = 'narrow' | 'raw';

/**
 * The query, built from the metrics' shape only: every value is a parameter ({name:Type}).
 *
 * Profiles: exposures and events name distinct ids; both map to the profile the ids belong to now
 * (an id never linked counts as its own profile). A profile exposed more than once (two devices
 * before their identities merged, a repeated exposure) counts once, in the variant of its first
 * exposure, from that exposure's time.
 *
 * Shape: the exposures first, grouped by profile into (profile, first variant, first time): a hash
 * table of exposed profiles only, built once. The metrics' events and (for guardrails) message
 * outcomes, bounded by the first exposure minus and the last exposure plus the widest window, then
 * stream through the identity map and a right join with it, so the events of people never exposed
 * drop out before any grouping while an exposed profile without events still counts (as 0). Each row
 * becomes per-metric window contributions summed per profile (plain sums, no per-profile arrays).
 * Profiles are 64-bit hashes of their ids (about 3·10⁻⁸ odds of any collision among a million), far
 * cheaper to join and group than the text.
 */
export function metricsQuery(metrics: Metric[], source: EventSource = 'narrow'): { query: string; params: Record<string, unknown> } {
  if (metrics.length > 30) throw new Error('at most 30 metrics fit the per-event bitmask');
  const params: Record<string, unknown> = {};
  const narrowEvents = new Set<string>();
  const rawEvents = new Set<string>();
  const outcomes = new Set<string>();
  const narrowBits: string[] = [];
  const rawBits: string[] = [];
  const outcomeBits: string[] = [];
  const perProfile: string[] = [];
  const finals: string[] = [];
  metrics.forEach((m, i) => {
    params[`w${i}`] = m.windowHours;
    const bit = `toUInt32(${1 << i})`;
    switch (m.kind) {
      case 'conversion':
      case 'count': {
        // A property filter needs the raw properties, which only `events` holds.
        const raw = source === 'raw' || m.filter !== undefined;
        (raw ? rawEvents : narrowEvents).add(m.event);
        params[`e${i}`] = m.event;
        let match = `event = {e${i}:String}`;
        if (m.filter) {
          params[`fp${i}`] = m.filter.property;
          params[`fv${i}`] = m.filter.equals;
          // A string property by its text, a number or boolean by its JSON (`42`, `true`).
          match += ` AND (JSONExtractString(properties, {fp${i}:String}) = {fv${i}:String} OR JSONExtractRaw(properties, {fp${i}:String}) = {fv${i}:String})`;
        }
        (raw ? rawBits : narrowBits).push(`if(${match}, ${bit}, 0)`);
        break;
      }
      case 'revenue':
        (source === 'raw' ? rawEvents : narrowEvents).add(revenueEvent);
        (source === 'raw' ? rawBits : narrowBits).push(`if(event = {revenueEvent:String}, ${bit}, 0)`);
        break;
      case 'guardrail':
        outcomes.add(m.outcome);
        params[`o${i}`] = m.outcome;
        outcomeBits.push(`if(kind = {o${i}:String}, ${bit}, 0)`);
        break;
    }
    // Per row: whether it matches the metric in the window after (y) or before (x) the profile's first
    // exposure; a revenue metric adds the row's value, every other metric counts the row.
    const term = m.kind === 'revenue' ? 'r.value' : '1';
    const matches = `bitAnd(r.bits, ${bit}) != 0`;
    perProfile.push(
      `sum(if(${matches} AND r.ts >= p.t0 AND r.ts < p.t0 + toIntervalHour({w${i}:UInt32}), ${term}, 0)) AS y${i}`,
      `sum(if(${matches} AND r.ts < p.t0 AND r.ts >= p.t0 - toIntervalHour({w${i}:UInt32}), ${term}, 0)) AS x${i}`,
    );
    // A conversion (and a guardrail) is whether it happened at all: 0 or 1 per profile.
    const binary = m.kind === 'conversion' || m.kind === 'guardrail';
    const y = binary ? `toFloat64(y${i} > 0)` : `toFloat64(y${i})`;
    const x = binary ? `toFloat64(x${i} > 0)` : `toFloat64(x${i})`;
    finals.push(`sum(${y}) AS s${i}`, `sum(${y} * ${y}) AS ss${i}`, `sum(${x}) AS ps${i}`, `sum(${x} * ${x}) AS pss${i}`, `sum(${x} * ${y}) AS sp${i}`);
  });
  params.narrowEvents = [...narrowEvents];
  params.rawEvents = [...rawEvents];
  params.outcomeKinds = [...outcomes];
  params.revenueEvent = revenueEvent;
  params.maxWindow = Math.max(...metrics.map((m) => m.windowHours));
  // Nothing before the first exposure's pre-window or after the last exposure's window can count.
  const span = (ts: string) => `${ts} >= {from:DateTime64(3, 'UTC')} - toIntervalHour({maxWindow:UInt32}) AND ${ts} < {to:DateTime64(3, 'UTC')} + toIntervalHour({maxWindow:UInt32})`;
  const streams: string[] = [];
  if (narrowEvents.size)
    streams.push(`SELECT cityHash64(distinct_id) AS dh, toUInt64(0) AS ph, timestamp AS ts, revenue AS value, toUInt32(${narrowBits.join(' + ')}) AS bits
       FROM experiment_metric_events FINAL
       WHERE workspace_id = {ws:String} AND event IN {narrowEvents:Array(String)} AND ${span('timestamp')}`);
  if (rawEvents.size)
    streams.push(`SELECT cityHash64(distinct_id) AS dh, toUInt64(0) AS ph, timestamp AS ts,
              if(event = {revenueEvent:String}, JSONExtractFloat(properties, 'revenue'), 0) AS value, toUInt32(${rawBits.join(' + ')}) AS bits
       FROM events FINAL
       WHERE workspace_id = {ws:String} AND event IN {rawEvents:Array(String)} AND is_bot = 0 AND ${span('timestamp')}`);
  if (outcomes.size)
    streams.push(`SELECT toUInt64(0) AS dh, cityHash64(profile_id) AS ph, at AS ts, toFloat64(0) AS value, toUInt32(${outcomeBits.join(' + ')}) AS bits
       FROM (${outcomeRowsSql}) WHERE ${span('at')}`);
  const query = `
    WITH
      ids AS (SELECT cityHash64(distinct_id) AS dh, cityHash64(profile_id) AS ph FROM identities FINAL WHERE workspace_id = {ws:String}),
      exposed AS (
        SELECT if(i.ph != 0, i.ph, x.dh) AS pid, argMin(x.variant, x.ts) AS variant, min(x.ts) AS t0
        FROM (SELECT cityHash64(distinct_id) AS dh, variant, exposed_at AS ts FROM experiment_exposures WHERE workspace_id = {ws:String} AND experiment = {key:String}) AS x
        LEFT JOIN ids AS i ON i.dh = x.dh
        GROUP BY pid
      )
    SELECT variant, count() AS n, ${finals.join(', ')}
    FROM (
      SELECT any(p.variant) AS variant, ${perProfile.join(', ')}
      FROM (
        SELECT if(s.ph != 0, s.ph, if(i.ph != 0, i.ph, s.dh)) AS pid, s.ts AS ts, toFloat64(s.value) AS value, s.bits AS bits
        FROM (${streams.join(' UNION ALL ')}) AS s
        LEFT JOIN ids AS i ON i.dh = s.dh
      ) AS r
      RIGHT JOIN exposed AS p ON p.pid = r.pid
      GROUP BY p.pid
    )
    GROUP BY variant
    SETTINGS join_use_nulls = 0`;
  return { query, params };
}

/** Per-variant sufficient statistics of an experiment's metrics, computed in ClickHouse. */
export async function variantSums(clickhouse: ClickHouseClient, workspaceId: string, key: string, metrics: Metric[], source: EventSource = 'narrow'): Promise<VariantSums[]> {
  // The first and last exposures bound the events read (by the widest window either side).
  const first = await clickhouse.query({
    query: `SELECT toString(min(exposed_at)) AS t, toString(max(exposed_at)) AS last, count() AS n FROM experiment_exposures WHERE workspace_id = {ws:String} AND experiment = {key:String}`,
    query_params: { ws: workspaceId, key },
    format: 'JSONEachRow',
  });
  const [bound] = await first.json<{ t: string; last: string; n: string | number }>();
  if (!bound || Number(bound.n) === 0) return [];
  const { query, params } = metricsQuery(metrics, source);
  const rs = await clickhouse.query({ query, query_params: { ...params, ws: workspaceId, key, from: bound.t, to: bound.last }, format: 'JSONEachRow' });
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
