/**
 * The SQL that folds events into profile features. `scoped` computes only the profiles whose
 * distinct ids are `{ids}` (mapped to profiles by the parallel array `{idPids}`: the real-time path)
 * and scores their RFM against the workspace's stored quintile cut points; otherwise every profile of
 * the workspace is computed (into a table of the pass) and scored against its own customers' cut points.
 *
 * Event conventions read here (Segment spec plus Overture's `$` events):
 * - pages: `page` events, `properties.path`, `properties.category`, `context.campaign.*`, `context.page.referrer`
 * - deep: `$pageleave.properties.engaged_ms`, scroll depth per page view (pageViewScroll), `$rage_click`,
 *   `$form_interaction` with `properties.action = 'abandon'`
 * - commerce: `Order Completed` / `Order Refunded` with `properties.revenue` and `properties.products[]`
 * - push: `$push_subscribed` / `$push_unsubscribed`
 * Sessions: activity (page, screen, track) split where 30 minutes pass without an event.
 * Top pages and categories (and per-page frequency) are read per profile on demand (see pages.ts).
 *
 * Cost: one pass over the events, joined to the identity map once (a full pass keeps the per-profile
 * aggregates in a temporary table between that pass and the write, see features.ts). The properties it
 * needs (order revenue and products, engaged time, form abandons, scroll milestones and their page
 * views) were parsed when each event was stored (`events` columns of migration 0170); only the first
 * and last page view's context is parsed here, once per profile.
 * Time-relative features (days since the last visit or order, and what derives from them) are computed
 * as of `{asOf:DateTime64(3)}`: now for live data, the workspace's stored as-of for historical data.
 * Touches: first touch is the first page view's campaign/referrer; last touch the last page view with a campaign.
 */

import { churnRiskSql, cltvSql, clvModelJoinSql } from './clv/sql';

/** The instant time-relative model features are computed as of. */
const asOfSql = '{asOf:DateTime64(3)}';

const activity = `e.type IN ('page', 'screen', 'track') AND NOT startsWith(e.event, '$segment_')`;
const isOrder = `e.event = 'Order Completed'`;
const isRefund = `e.event = 'Order Refunded'`;

/** The RFM named segment of the standard R × F grid, for scores 1–5 (R = 0: not a customer). */
function rfmSegmentOf(r: number, f: number): RfmSegment | '' {
  if (r === 0) return '';
  if (r === 5 && f === 1) return 'New Customers';
  if (r >= 4 && (f === 2 || f === 3)) return 'Potential Loyalist';
  if (r === 5) return 'Champions';
  if (r === 4 && f === 1) return 'Promising';
  if (r >= 3 && f >= 4) return 'Loyal';
  if (r === 3 && f === 3) return 'Need Attention';
  if (r === 3) return 'About to Sleep';
  if (f === 5) return "Can't Lose";
  if (f >= 3) return 'At Risk';
  return 'Hibernating';
}

/**
 * The named segment as a lookup in the 6 × 6 table of rfmSegmentOf (scores are 0–5). It names each
 * score once: a multiIf over the rules repeats them 17 times, and ClickHouse's analyzer resolves
 * every repeat of the score expression anew, which was a third of a one-profile refresh's planning.
 */
export const rfmSegmentSql = (r: string, f: string) => {
  const grid = [0, 1, 2, 3, 4, 5].flatMap((rv) => [0, 1, 2, 3, 4, 5].map((fv) => `'${rfmSegmentOf(rv, fv).replace(/'/g, "''")}'`));
  return `[${grid.join(', ')}][1 + ${r} * 6 + ${f}]`;
};

export const rfmSegments = ['Champions', 'Loyal', 'Potential Loyalist', 'New Customers', 'Promising', 'Need Attention', 'About to Sleep', 'At Risk', "Can't Lose", 'Hibernating'] as const;
export type RfmSegment = (typeof rfmSegments)[number];

/**
 * RFM. Customers are the workspace's identified profiles (an event with a user id) with at least one
 * `Order Completed`; guest checkouts keep their orders and revenue but are not ranked. Each of R, F, M
 * ranks them ascending on one value: R on the day (UTC) of the last order, F on the number of orders,
 * M on net revenue (orders − refunds, rounded to cents). Ties share the lowest rank (SQL RANK()), and
 * score = 1 + floor(5 · (rank − 1) / customers), so equal values always get equal scores and a score
 * may be skipped when one value covers more than a fifth of the customers. The named segment comes
 * from the standard R × F grid (rfmSegmentSql). Features are scored against quintile cut points
 * (score ≥ k exactly when the value exceeds the cut point at index ⌈(k − 1) · customers / 5⌉ of the sorted
 * values), which gives the rank rule's score: a full pass takes them from its own customers, a refresh
 * of a few profiles between full passes uses the stored ones.
 */
/** Values ranked for R, F and M: the day of the last order, the number of orders, net revenue in cents. */
const rfmValues = {
  r: `toFloat64(toUInt32(toDate(assumeNotNull(last_order_at))))`,
  f: `toFloat64(orders)`,
  m: `round(net_revenue, 2)`,
};

export const featureColumns = [
  'workspace_id', 'profile_id', 'computed_at', 'first_seen', 'last_seen', 'event_count', 'sessions', 'session_seconds',
  'avg_session_seconds', 'days_since_last_visit', 'page_views', 'pages_per_session',
  'engaged_seconds', 'avg_scroll_depth', 'rage_clicks', 'form_abandons', 'engagement_score', 'first_source', 'first_medium',
  'first_campaign', 'last_source', 'last_medium', 'last_campaign', 'referrer_class', 'orders', 'revenue', 'refunds',
  'net_revenue', 'avg_order_value', 'first_order_at', 'last_order_at', 'days_since_last_order', 'products_bought',
  'categories_bought', 'email', 'email_consent', 'push_subscriptions', 'last_onsite_at', 'rfm_r', 'rfm_f', 'rfm_m',
  'rfm_segment', 'churn_risk', 'cltv', 'traits',
] as const;

const baseColumns = featureColumns.filter((c) => !c.startsWith('rfm_'));

/** A score against the cut points joined as `th`. */
const cutScoreSql = (k: 'r' | 'f' | 'm') => `if(ranked = 0, 0, toUInt8(1 + arrayCount(c -> ${rfmValues[k]} > c, th.${k})))`;

/** A score by the rank rule over the rows of the query: ties share the lowest rank (RANK()). */
const rankScoreSql = (k: 'r' | 'f' | 'm') =>
  `if(ranked = 0, 0, toUInt8(1 + intDiv(5 * (rank() OVER (PARTITION BY ranked ORDER BY ${rfmValues[k]}) - 1), count() OVER (PARTITION BY ranked))))`;

/** The ranked values of rfmValues as the per-profile aggregates name them (before the feature columns exist). */
const aggregateRfmValues = {
  r: `toFloat64(toUInt32(toDate(last_order_raw)))`,
  f: `toFloat64(orders)`,
  m: `round(revenue - refunds, 2)`,
};

/** A campaign field from Segment's `context.campaign`, else from the SDK session's landing campaign. */
const campaignField = (ctx: string, key: string) =>
  `if(JSONExtractString(${ctx}, 'campaign', '${key}') != '', JSONExtractString(${ctx}, 'campaign', '${key}'), JSONExtractString(${ctx}, 'session', 'campaign', '${key}'))`;

/**
 * Events whose time the features can use: DateTime (seconds since 1970 in a UInt32) and Date conversions
 * throw on anything outside that range, and one such event stored before ingestion bounded timestamps
 * would fail every recompute of its workspace. Out-of-range events are left out of features and segments.
 */
export const usableEventTime = `e.timestamp >= toDateTime64('1970-01-01 00:00:00', 3, 'UTC') AND e.timestamp <= toDateTime64('2106-02-07 06:28:15', 3, 'UTC')`;

/**
 * `FROM events AS e …` with `profile_id` resolved: through the identity map for a whole workspace,
 * or from the caller's id → profile arrays for a few profiles (no join, primary-key lookups only).
 * `prewhere` (cheap conditions on the event's own columns: its name, its time) is applied before the
 * copies of an event are collapsed (FINAL), so the key columns FINAL merges on are read only for the
 * rows that pass it rather than for the whole workspace. Copies of an event are never counted twice
 * either way; where copies differ in time (a resend stamped anew) and straddle a window's edge, the
 * event counts when any copy falls inside, rather than when the copy kept did.
 */
export function profileEventsSql(scoped: boolean, prewhere?: string): { profileId: string; from: string } {
  const pre = prewhere ? ` PREWHERE ${prewhere}` : '';
  if (scoped) {
    return {
      profileId: `transform(e.distinct_id, {ids:Array(String)}, {idPids:Array(String)}, '')`,
      from: `events AS e${pre} WHERE e.workspace_id = {ws:String} AND e.distinct_id IN {ids:Array(String)} AND ${usableEventTime}`,
    };
  }
  return {
    profileId: 'i.profile_id',
    from: `events AS e INNER JOIN (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}) AS i ON i.distinct_id = e.distinct_id${pre}
    WHERE e.workspace_id = {ws:String} AND ${usableEventTime}`,
  };
}

/**
 * Scroll depth per page view: the deepest milestone of each view (`events.scroll_milestone`, keyed by
 * `events.scroll_page_view`), averaged over the profile's views. The pairs are gathered only from rows
 * that carry a milestone and folded per view once per profile, not as a map built for every event.
 * A `$pageleave` sent after 30 idle minutes opens a new session and so counts as a view of its own.
 */
const pageViewScroll = `arrayReduce('maxMap', [groupArrayIf(e.scroll_page_view, isNotNull(e.scroll_milestone))], [groupArrayIf(assumeNotNull(e.scroll_milestone), isNotNull(e.scroll_milestone))]).2`;

/**
 * Settings of a write of features, which holds one row per profile: nothing for the insert itself to
 * collapse, while collapsing (optimize_on_insert) copied every wide row once more as it was written
 * (reads collapse versions across inserts with FINAL either way).
 */
const onePerProfile = 'SETTINGS optimize_on_insert = 0';

/**
 * One row per profile: its events folded into aggregates, with what derives from them alone
 * (sessions, first and last touch). The activity times and the page views' contexts those come from
 * are dropped here, so what a full pass keeps in memory between its statements stays narrow.
 */
export function profileAggregatesSql(scoped: boolean): string {
  const src = profileEventsSql(scoped);
  return `
SELECT * EXCEPT (ts, first_ctx, last_ctx),
  toUInt32(if(empty(ts), 0, 1 + arrayCount(g -> g > 1800, arrayDifference(ts)))) AS sessions,
  toFloat64(arraySum(arrayFilter(g -> g <= 1800, arrayDifference(ts)))) AS session_seconds,
  ${campaignField('first_ctx', 'source')} AS first_source,
  ${campaignField('first_ctx', 'medium')} AS first_medium,
  ${campaignField('first_ctx', 'name')} AS first_campaign,
  ${campaignField('last_ctx', 'source')} AS last_source,
  ${campaignField('last_ctx', 'medium')} AS last_medium,
  ${campaignField('last_ctx', 'name')} AS last_campaign,
  toLowCardinality(multiIf(JSONExtractString(first_ctx, 'session', 'channel') != '', JSONExtractString(first_ctx, 'session', 'channel'),
    first_medium IN ('email', 'e-mail'), 'email', first_medium IN ('cpc', 'ppc', 'paid', 'paidsocial'), 'paid',
    JSONExtractString(first_ctx, 'page', 'referrer') = '', 'direct',
    match(JSONExtractString(first_ctx, 'page', 'referrer'), '(google|bing|duckduckgo|yahoo|ecosia|baidu|yandex)\\\\.'), 'search',
    match(JSONExtractString(first_ctx, 'page', 'referrer'), '(facebook|instagram|twitter|t\\\\.co|linkedin|tiktok|pinterest|reddit|youtube)'), 'social',
    'referral')) AS referrer_class
FROM (
  SELECT
    ${src.profileId} AS profile_id,
    min(e.timestamp) AS first_seen, max(e.timestamp) AS last_seen, count() AS event_count,
    arraySort(groupArrayIf(toUInt32(toUnixTimestamp(e.timestamp)), ${activity})) AS ts,
    toUInt32(countIf(e.type = 'page')) AS page_views,
    maxIf(e.timestamp, e.type = 'page') AS last_page_at,
    toUInt32(countIf(e.event = '$rage_click')) AS rage_clicks,
    argMinIf(e.context, e.timestamp, e.type = 'page') AS first_ctx,
    argMaxIf(e.context, e.timestamp, e.type = 'page' AND position(e.context, '"campaign"') > 0) AS last_ctx,
    toUInt32(countIf(${isOrder})) AS orders,
    countIf(e.user_id != '') > 0 AS identified,
    minIf(e.timestamp, ${isOrder}) AS first_order_raw, maxIf(e.timestamp, ${isOrder}) AS last_order_raw,
    countIf(e.event = 'Email Unsubscribed') AS email_unsubscribes,
    countIf(e.event = '$push_subscribed') - countIf(e.event = '$push_unsubscribed') AS push_subscriptions,
    sum(e.engaged_ms) / 1000 AS engaged_seconds,
    arrayAvg(${pageViewScroll}) AS scroll_depth,
    toUInt32(sum(e.form_abandon)) AS form_abandons,
    sum(if(${isOrder}, e.order_revenue, 0)) AS revenue,
    sum(if(${isRefund}, e.order_revenue, 0)) AS refunds,
    groupUniqArrayArray(100)(e.order_products) AS products_bought,
    arrayFilter(x -> x != '', groupUniqArrayArray(50)(e.order_categories)) AS categories_bought
  FROM ${src.from}
  GROUP BY profile_id
)`;
}

/**
 * Features of the profiles whose aggregates `aggregates` holds (a table, or profileAggregatesSql in
 * parentheses), written to `profile_features` with RFM scored against quintile cut points: for a full
 * pass (`scoped` false, `aggregates` a table) those of the customers in that table, which gives the rank
 * rule's scores; for a refresh of a few profiles, the workspace's stored ones.
 * `scoped`: the traits read are only those of `{idPids}`'s profiles.
 */
export function featuresInsertSql(aggregates: string, scoped: boolean): string {
  const traitsFilter = scoped ? ' AND profile_id IN {idPids:Array(String)}' : '';
  const cutPoints = scoped
    ? `SELECT any(r) AS r, any(f) AS f, any(m) AS m FROM rfm_thresholds WHERE workspace_id = {ws:String}`
    : cutPointsSql(aggregates, aggregateRfmValues, aggregateCustomers);
  const thresholds = `CROSS JOIN (${cutPoints}) AS th`;
  return `
INSERT INTO profile_features (${baseColumns.join(', ')}, rfm_r, rfm_f, rfm_m, rfm_segment) ${onePerProfile}
SELECT ${baseColumns.join(', ')}, ${cutScoreSql('r')} AS rfm_r, ${cutScoreSql('f')} AS rfm_f, ${cutScoreSql('m')} AS rfm_m,
  ${rfmSegmentSql('rfm_r', 'rfm_f')} AS rfm_segment
FROM (
  SELECT
    {ws:String} AS workspace_id, a.profile_id AS profile_id, {now:DateTime64(3)} AS computed_at,
    first_seen, last_seen, event_count, sessions, session_seconds,
    if(sessions = 0, 0, session_seconds / sessions) AS avg_session_seconds,
    toInt32(dateDiff('day', last_seen, {asOf:DateTime64(3)})) AS days_since_last_visit,
    page_views, if(sessions = 0, 0, page_views / sessions) AS pages_per_session,
    engaged_seconds, ifNotFinite(scroll_depth, 0) AS avg_scroll_depth, rage_clicks, form_abandons,
    greatest(0, least(100, round(25 * log10(1 + sessions) + 25 * log10(1 + page_views) + 25 * log10(1 + engaged_seconds / 60)
      + 0.15 * avg_scroll_depth - 2 * rage_clicks, 1))) AS engagement_score,
    first_source, first_medium, first_campaign, last_source, last_medium, last_campaign, referrer_class,
    orders, revenue, refunds, revenue - refunds AS net_revenue, if(orders = 0, 0, revenue / orders) AS avg_order_value,
    if(orders = 0, NULL, first_order_raw) AS first_order_at, if(orders = 0, NULL, last_order_raw) AS last_order_at,
    if(orders = 0, NULL, toInt32(dateDiff('day', last_order_raw, {asOf:DateTime64(3)}))) AS days_since_last_order,
    toUInt8(orders > 0 AND identified) AS ranked,
    products_bought, categories_bought,
    JSONExtractString(ifNull(t.traits['email'], '')) AS email,
    toUInt8(email != '' AND ifNull(t.traits['unsubscribed'], '') != 'true' AND ifNull(t.traits['email_consent'], '') != 'false' AND email_unsubscribes = 0) AS email_consent,
    toInt32(push_subscriptions) AS push_subscriptions,
    if(page_views = 0, NULL, last_page_at) AS last_onsite_at,
    -- churn risk = 1 − P(alive) and CLTV from the workspace's fitted BG/NBD + Gamma–Gamma (see clv/sql.ts)
    if(ranked = 0, NULL, ${churnRiskSql(asOfSql)}) AS churn_risk,
    if(ranked = 0, 0, ${cltvSql(asOfSql)}) AS cltv,
    ifNull(t.traits, map()) AS traits
  FROM ${aggregates} AS a
  LEFT JOIN (
    SELECT profile_id, mapFromArrays(groupArray(key), groupArray(value)) AS traits
    FROM profile_traits WHERE workspace_id = {ws:String}${traitsFilter} GROUP BY profile_id
  ) AS t ON t.profile_id = a.profile_id
  ${clvModelJoinSql}
) AS features
${thresholds}`;
}

/** Customers among per-profile aggregates: identified profiles with an order. */
const aggregateCustomers = 'orders > 0 AND identified';

/**
 * One row: how many customers `from` holds (`n`) and the quintile cut points of their R, F and M
 * values (`r`, `f`, `m`; score ≥ k exactly when the value exceeds the cut point k − 2). With no
 * customers the row is still there, so a join to it keeps every profile.
 */
function cutPointsSql(from: string, values: Record<'r' | 'f' | 'm', string>, customers: string): string {
  return `SELECT n,
  arrayMap(k -> rs[toUInt64(ceil((k - 1) * n / 5))], [2, 3, 4, 5]) AS r,
  arrayMap(k -> fs[toUInt64(ceil((k - 1) * n / 5))], [2, 3, 4, 5]) AS f,
  arrayMap(k -> ms[toUInt64(ceil((k - 1) * n / 5))], [2, 3, 4, 5]) AS m
FROM (
  SELECT count() AS n, arraySort(groupArray(${values.r})) AS rs, arraySort(groupArray(${values.f})) AS fs, arraySort(groupArray(${values.m})) AS ms
  FROM ${from} WHERE ${customers}
)`;
}

const storeCutPointsSql = (cutPoints: string) => `
INSERT INTO rfm_thresholds (workspace_id, computed_at, customers, r, f, m)
SELECT {ws:String}, {now:DateTime64(3)}, n, r, f, m FROM (${cutPoints}) WHERE n > 0`;

/** Stores the cut points a full pass scored its features against (those of its aggregates table), for later refreshes. */
export const thresholdsFromAggregatesSql = (table: string) => storeCutPointsSql(cutPointsSql(table, aggregateRfmValues, aggregateCustomers));

/** Quintile cut points from the current features, stored. */
export const thresholdsInsertSql = storeCutPointsSql(cutPointsSql(`profile_features`, rfmValues, `workspace_id = {ws:String} AND rfm_r > 0`));

/**
 * Profiles whose features may have changed since `{since}`: ids that sent events received since
 * then (through the current identity map, so a merged-away profile is never named), profiles that
 * absorbed another one, and profiles with traits set since then without an event (a journey step).
 * Reading the events' ids needs no FINAL: a duplicate only names the same profile twice.
 */
export const touchedProfilesSql = `
SELECT DISTINCT profile_id FROM (
  SELECT i.profile_id AS profile_id FROM (
    SELECT DISTINCT distinct_id FROM events
    WHERE workspace_id = {ws:String} AND received_at >= {since:DateTime64(3)} SETTINGS final = 0
  ) AS e
  INNER JOIN (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}) AS i ON i.distinct_id = e.distinct_id
  UNION ALL
  SELECT into_profile_id FROM identity_merges WHERE workspace_id = {ws:String} AND merged_at >= {since:DateTime64(3)}
  UNION ALL
  SELECT profile_id FROM profile_traits WHERE workspace_id = {ws:String} AND updated_at >= {since:DateTime64(3)}
)`;

/**
 * After an incremental pass: every customer ranked again on the stored features (a few columns of
 * one row per profile), naming the rows whose scores moved with their new scores. Ranking is the full
 * pass's rule on the same values, so the scores equal a full pass's. Only customers are read: a stored
 * score of 0 is a profile that is not ranked, whose score stays 0.
 */
export const movedScoresSql = `
SELECT profile_id, nr, nf, nm FROM (
  SELECT profile_id, rfm_r, rfm_f, rfm_m, last_order_at, orders, net_revenue, toUInt8(1) AS ranked,
    ${rankScoreSql('r')} AS nr, ${rankScoreSql('f')} AS nf, ${rankScoreSql('m')} AS nm
  FROM profile_features WHERE workspace_id = {ws:String} AND rfm_r > 0
) WHERE nr != rfm_r OR nf != rfm_f OR nm != rfm_m`;

/** Rewrites the rows of `{pids}` with the new scores `{rs}`, `{fs}`, `{ms}` (parallel arrays), every other column kept. */
export const rerankInsertSql = (() => {
  const score = (k: 'r' | 'f' | 'm') => `toUInt8(transform(profile_id, {pids:Array(String)}, {${k}s:Array(UInt8)}, 0))`;
  const columns = featureColumns.map((c) => {
    if (c === 'computed_at') return '{now:DateTime64(3)} AS new_computed_at';
    if (c === 'rfm_r' || c === 'rfm_f' || c === 'rfm_m') return `${score(c.slice(4) as 'r' | 'f' | 'm')} AS new_${c}`;
    if (c === 'rfm_segment') return `${rfmSegmentSql('new_rfm_r', 'new_rfm_f')} AS new_rfm_segment`;
    return c;
  });
  return `
INSERT INTO profile_features (${featureColumns.join(', ')}) ${onePerProfile}
SELECT ${columns.join(', ')}
FROM profile_features WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)}`;
})();
