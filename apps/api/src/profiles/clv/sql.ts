/**
 * The customer-value models inside the features SQL. The parameters are fitted in TypeScript (fit.ts)
 * and stored in `clv_models`; the features query joins the workspace's newest row as `cm` and evaluates
 * churn risk and CLTV per profile there, so the full recompute and the one-profile refresh share one
 * formula and nothing is written twice. Expressions read the per-profile columns `orders`,
 * `net_revenue`, `first_order_raw` and `last_order_raw`, and the as-of instant.
 */
import { daysPerMonth } from './fit';

/**
 * Terms of the 2F1 series summed in SQL: enough for z^n < 1e-7, at most 100. After Euler's
 * transformation the k-th term falls at least like k^(a − r − 2)·z^k, so this leaves a relative error
 * near 1e-6 for most customers and below 1e-4 even for one whose first order was today (z close to 1).
 */
export const maxSeriesTerms = 100;
const seriesTerms = (z: string) => `toUInt32(least(${maxSeriesTerms}, greatest(1, ceil(-16 / log(${z})))))`;

/** The newest model of the workspace as one row (`cm_fitted` = 0 when none has been fitted). */
export const clvModelJoinSql = `CROSS JOIN (
    SELECT count() AS cm_fitted, argMax(r, computed_at) AS cm_r, argMax(alpha, computed_at) AS cm_alpha, argMax(a, computed_at) AS cm_a,
      argMax(b, computed_at) AS cm_b, argMax(p, computed_at) AS cm_p, argMax(q, computed_at) AS cm_q, argMax(gamma, computed_at) AS cm_gamma,
      argMax(horizon_months, computed_at) AS cm_months, argMax(annual_discount, computed_at) AS cm_discount
    FROM clv_models WHERE workspace_id = {ws:String}
  ) AS cm`;

/** x (repeat orders), t_x and T in days as of `asOf`, as BG/NBD reads them. */
const x = `toFloat64(orders - 1)`;
const tx = `(dateDiff('second', first_order_raw, last_order_raw) / 86400)`;
const T = (asOf: string) => `greatest(dateDiff('second', first_order_raw, ${asOf}) / 86400, ${tx})`;

/** ln of the odds of having dropped out after the last order (0 odds for one-time buyers). */
const dropoutOdds = (asOf: string) =>
  `if(orders < 2, 0, exp(log(cm_a) - log(cm_b + ${x} - 1) + (cm_r + ${x}) * (log(cm_alpha + ${T(asOf)}) - log(cm_alpha + ${tx}))))`;

/** Churn risk = 1 − P(alive | x, t_x, T); empty for non-customers and before a model exists. */
export const churnRiskSql = (asOf: string) => `if(orders = 0 OR cm_fitted = 0, NULL, 1 - 1 / (1 + ${dropoutOdds(asOf)}))`;

/**
 * (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) · 2F1(r + x, b + x; a + b + x − 1; z)], z = t/(α + T + t):
 * E[Y(t)] before dividing by 1 + dropout odds, in the lambda variables `x`, `T`, `t` and `z`. The
 * series' terms are cumulative products of their ratios, taken as sums of logarithms with the sign
 * counted apart (a ratio may be negative).
 */
const expectedHeadSql = (() => {
  const c = `(cm_a + cm_b + x - 1)`;
  const ratios = `arrayMap(j -> (cm_a + cm_b - 1 - cm_r + j) * (cm_a - 1 + j) * z / ((${c} + j) * (j + 1)), range(${seriesTerms('z')}))`;
  const series = `arraySum(arrayMap(rs -> 1 + arraySum(arrayMap((l, n) -> if(n % 2 = 1, -1, 1) * exp(l), arrayCumSum(arrayMap(v -> log(abs(v)), rs)), arrayCumSum(arrayMap(v -> toUInt32(v < 0), rs)))), [${ratios}]))`;
  return `(${c} / (cm_a - 1) * (1 - pow((cm_alpha + T) / (cm_alpha + T + t), cm_r + x) * pow(1 - z, cm_a - 1 - cm_r - x) * ${series}))`;
})();

/** E[M | x, m̄]: expected order value (the population mean for customers with no positive net spend). */
const expectedSpendSql = `if(net_revenue > 0, cm_p * (cm_gamma + net_revenue) / (cm_p * orders + cm_q - 1), cm_p * cm_gamma / (cm_q - 1))`;

/**
 * CLTV: Σ over the horizon's months of the purchases expected in that month × expected order value,
 * discounted monthly at the stated annual rate. 0 for non-customers and before a model exists.
 * Per-profile values enter the array lambdas as arguments (one-element arrays), not as expressions
 * inside them: ClickHouse evaluates a lambda body per element, and recomputing T and z for every
 * series term made the whole recompute eight times slower.
 */
export function cltvSql(asOf: string): string {
  const months = `arrayMap(m -> m * ${daysPerMonth}, range(0, cm_months + 1))`;
  // E[Y] at the end of each month (from 0), once each; a month's purchases are the differences.
  const heads = `arrayMap((t, z) -> if(t = 0, 0, ${expectedHeadSql}), ${months}, arrayMap(t -> t / (cm_alpha + T + t), ${months}))`;
  const perMonth = `arrayMap((d, m) -> d / pow(1 + cm_discount, m / 12), arrayPopFront(arrayDifference(${heads})), range(1, cm_months + 1))`;
  const value = `arraySum(arrayMap((x, T, odds, spend) -> greatest(0, arraySum(${perMonth})) / (1 + odds) * spend, [${x}], [${T(asOf)}], [${dropoutOdds(asOf)}], [${expectedSpendSql}]))`;
  return `if(orders = 0 OR cm_fitted = 0, 0, round(${value}, 2))`;
}

/**
 * One row per customer as of `{asOf}` (orders strictly before it): x, t_x and T in days and the mean net
 * order value, for fitting. `profileEvents` is profileEventsSql (passed in: features-sql.ts imports this
 * file), given the order events before the as-of as its `prewhere`. A deterministic sample keeps fitting
 * bounded on very large workspaces.
 */
export function customerSummariesSql(profileEvents: (prewhere: string) => { profileId: string; from: string }): string {
  const src = profileEvents(`e.event IN ('Order Completed', 'Order Refunded') AND e.timestamp < {asOf:DateTime64(3)}`);
  return `
SELECT pid, x, tx, T, mean_spend FROM (
  SELECT ${src.profileId} AS pid,
    countIf(e.event = 'Order Completed') AS orders,
    countIf(e.user_id != '') > 0 AS identified,
    toFloat64(orders - 1) AS x,
    dateDiff('second', minIf(e.timestamp, e.event = 'Order Completed'), maxIf(e.timestamp, e.event = 'Order Completed')) / 86400 AS tx,
    greatest(tx, dateDiff('second', minIf(e.timestamp, e.event = 'Order Completed'), {asOf:DateTime64(3)}) / 86400) AS T,
    (sumIf(e.order_revenue, e.event = 'Order Completed') - sumIf(e.order_revenue, e.event = 'Order Refunded')) / orders AS mean_spend
  FROM ${src.from}
  GROUP BY pid
  HAVING orders > 0 AND identified
)
ORDER BY cityHash64(pid)
LIMIT {limit:UInt32}`;
}
