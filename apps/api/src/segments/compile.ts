import type { Params } from '../stores/clickhouse/sql';
import { chTime } from '../ingest/normalize';
import { profileEventsSql } from '../profiles/features-sql';
import type { Condition, Leaf } from './schema';

/**
 * Compiles a condition tree to a ClickHouse boolean over `profile_features AS f`. Every value from
 * the tree becomes a `{pN:Type}` parameter; column names come only from the schema's enums.
 * Shared parameters: `{ws:String}`, `{now:DateTime64(3)}`, `{asOf:DateTime64(3)}` (the instant windows
 * such as "in the last N days" end at: the workspace's as-of) and, when scoped, `{pids:Array(String)}`
 * (the profiles) with `{ids:Array(String)}` / `{idPids:Array(String)}` (their distinct ids → profile).
 */
export interface CompileOptions {
  /** Evaluate only the profiles in `{pids}` (real-time refresh of a few profiles). */
  scoped: boolean;
  now: Date;
  /** The instant windows end at (the workspace's as-of); default `now`. Returned as the `asOf` parameter. */
  asOf?: Date;
  /** Prefix of this condition's parameter names, so several conditions can share one query. */
  prefix?: string;
}

const cmp = { eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
type Cmp = keyof typeof cmp;
const holds = (op: Cmp, a: number, b: number) =>
  op === 'eq' ? a === b : op === 'neq' ? a !== b : op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;

class Compiler {
  readonly params: Params = {};
  #n = 0;
  constructor(readonly options: CompileOptions) {}

  param(value: unknown, type: string): string {
    const name = `${this.options.prefix ?? ''}p${this.#n++}`;
    this.params[name] = value;
    return `{${name}:${type}}`;
  }

  time(w: { at: string } | { daysAgo: number }): string {
    if ('at' in w) return this.param(chTime(Date.parse(w.at)), 'DateTime64(3)');
    return `({asOf:DateTime64(3)} - toIntervalDay(${this.param(w.daysAgo, 'UInt32')}))`;
  }

  /** A typed comparison of a JSON value (text of one JSON document) against a scalar. */
  jsonCompare(json: string, op: string, value: string | number | boolean | undefined): string {
    if (op === 'exists') return `(${json} NOT IN ('', 'null'))`;
    if (op === 'not_exists') return `(${json} IN ('', 'null'))`;
    if (value === undefined) throw new Error(`value is required for operator ${op}`);
    if (op === 'contains') return `positionCaseInsensitive(JSONExtractString(${json}), ${this.param(String(value), 'String')}) > 0`;
    if (typeof value === 'number') return `(JSONExtractFloat(${json}) ${cmp[op as Cmp]} ${this.param(value, 'Float64')} AND ${json} NOT IN ('', 'null'))`;
    if (typeof value === 'boolean') return `(${json} ${op === 'neq' ? '!=' : '='} ${this.param(String(value), 'String')})`;
    if (op === 'eq' || op === 'neq') return `(JSONExtractString(${json}) ${cmp[op]} ${this.param(value, 'String')})`;
    return `(JSONExtractString(${json}) ${cmp[op as Cmp]} ${this.param(value, 'String')})`;
  }

  /**
   * Profiles with events passing `prewhere` (the event's name and time: read before copies of an event
   * are collapsed, see profileEventsSql) and `where` (its properties).
   */
  eventsOfProfiles(prewhere: string[], where: string[] = []): string {
    const src = profileEventsSql(this.options.scoped, prewhere.join(' AND '));
    return `SELECT ${src.profileId} AS profile_id FROM ${src.from}${where.map((w) => ` AND ${w}`).join('')} GROUP BY profile_id`;
  }

  compile(c: Condition): string {
    switch (c.type) {
      case 'and':
      case 'or':
        return `(${c.conditions.map((x) => this.compile(x)).join(c.type === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${this.compile(c.condition)})`;
      default:
        return `ifNull(${this.leaf(c)}, 0)`;
    }
  }

  leaf(c: Leaf): string {
    switch (c.type) {
      case 'trait':
        return this.jsonCompare(`f.traits[${this.param(c.trait, 'String')}]`, c.op, c.value);
      case 'feature':
        return `(f.${c.feature} ${cmp[c.op]} ${this.param(c.value, 'Float64')})`;
      case 'feature_text': {
        const v = this.param(c.value, 'String');
        if (c.op === 'contains') return `(positionCaseInsensitive(f.${c.feature}, ${v}) > 0)`;
        if (c.op === 'not_contains') return `(positionCaseInsensitive(f.${c.feature}, ${v}) = 0)`;
        return `(f.${c.feature} ${cmp[c.op]} ${v})`;
      }
      case 'feature_date':
        return `(f.${c.feature} ${c.op === 'before' ? '<' : '>'} ${this.time(c.value)})`;
      case 'feature_list':
        return `(${c.op === 'has' ? '' : 'NOT '}has(f.${c.feature}, ${this.param(c.value, 'String')}))`;
      case 'event':
        return this.event(c);
      case 'last_performed': {
        const sub = this.eventsOfProfiles([`e.event = ${this.param(c.event, 'String')}`]);
        return `(f.profile_id IN (${sub} HAVING max(e.timestamp) ${c.op === 'before' ? '<' : '>'} ${this.time(c.value)}))`;
      }
      case 'rfm_segment':
        return `(f.rfm_segment IN ${this.param(c.segments, 'Array(String)')})`;
      case 'rfm_score':
        return `(f.rfm_${c.score} ${cmp[c.op]} ${this.param(c.value, 'UInt8')})`;
      case 'segment':
        return `(f.profile_id ${c.member ? '' : 'NOT '}IN (SELECT profile_id FROM segment_members
          WHERE workspace_id = {ws:String} AND segment_id = ${this.param(c.segmentId, 'String')} AND is_member = 1))`;
      case 'reachable':
        if (c.channel === 'email') return '(f.email_consent = 1)';
        if (c.channel === 'web_push') return '(f.push_subscriptions > 0)';
        return `(f.last_onsite_at >= ${this.time({ daysAgo: 30 })})`;
      case 'consent': {
        const granted =
          c.channel === 'email'
            ? `(f.traits['unsubscribed'] != 'true' AND f.traits['email_consent'] != 'false')`
            : '(f.push_subscriptions > 0)';
        return c.granted ? granted : `(NOT ${granted})`;
      }
      case 'random_bucket':
        return `(cityHash64(f.profile_id, ${this.param(c.salt, 'String')}) % 100 BETWEEN ${this.param(Math.min(c.from, c.to), 'UInt8')} AND ${this.param(Math.max(c.from, c.to), 'UInt8')})`;
    }
  }

  event(c: Extract<Leaf, { type: 'event' }>): string {
    const prewhere = [`e.event = ${this.param(c.event, 'String')}`];
    const where: string[] = [];
    for (const f of c.where) {
      const key = this.param(f.property, 'String');
      if (f.op === 'exists') where.push(`JSONHas(e.properties, ${key})`);
      else where.push(this.jsonCompare(`JSONExtractRaw(e.properties, ${key})`, f.op, f.value));
    }
    if (c.within) prewhere.push(`e.timestamp >= ${this.time({ daysAgo: c.within.days })}`);
    if (c.between) prewhere.push(`e.timestamp >= ${this.time({ at: c.between.from })} AND e.timestamp < ${this.time({ at: c.between.to })}`);
    const count = `count() ${cmp[c.count.op]} ${this.param(c.count.value, 'UInt64')}`;
    // Profiles without a matching event are absent from the subquery: when zero matches satisfy the
    // count ("never", "fewer than n"), select by exclusion of those who fail it instead.
    if (holds(c.count.op, 0, c.count.value)) return `(f.profile_id NOT IN (${this.eventsOfProfiles(prewhere, where)} HAVING NOT (${count})))`;
    return `(f.profile_id IN (${this.eventsOfProfiles(prewhere, where)} HAVING ${count}))`;
  }
}

export function compileCondition(c: Condition, options: CompileOptions): { sql: string; params: Params } {
  const compiler = new Compiler(options);
  const sql = compiler.compile(c);
  return { sql, params: { ...compiler.params, asOf: chTime((options.asOf ?? options.now).getTime()) } };
}

/** Members of a condition: `SELECT profile_id` over the workspace's (or the scoped) profiles. */
export function membersSql(where: string, scoped: boolean): string {
  return `SELECT f.profile_id AS profile_id FROM profile_features AS f
    WHERE f.workspace_id = {ws:String}${scoped ? ' AND f.profile_id IN {pids:Array(String)}' : ''} AND ${where}`;
}
