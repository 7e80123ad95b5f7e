// The ClickHouse statements of a model build. Every one is parameterised by workspace ({ws}),
// version ({v}) and the instant the model is trained until ({until}): nothing after it is read,
// which is what lets an offline evaluation train on the past only.

/** The profile each distinct id belongs to now (merges re-insert links with a higher version). */
const identityMap = `(SELECT distinct_id, argMax(profile_id, version) AS profile_id FROM identities
  WHERE workspace_id = {ws:String} GROUP BY distinct_id)`;

/**
 * One row per product interaction: a view or a cart add is one row, an order one row per line.
 * `basket` groups the lines of one order (its message id).
 */
export const interactionsSql = `(
  SELECT i.profile_id AS profile_id, e.event AS event, e.timestamp AS ts, e.message_id AS basket,
    coalesce(nullIf(JSONExtractString(p, 'product_id'), ''), nullIf(JSONExtractString(p, 'sku'), ''), JSONExtractString(p, 'id')) AS product_id,
    greatest(1, JSONExtractFloat(p, 'quantity')) AS quantity,
    JSONExtractString(p, 'name') AS seen_name, JSONExtract(p, 'price', 'Nullable(Float64)') AS seen_price
  FROM events AS e FINAL
  INNER JOIN ${identityMap} AS i ON i.distinct_id = e.distinct_id
  ARRAY JOIN if(e.event = 'Order Completed', JSONExtractArrayRaw(e.properties, 'products'), [e.properties]) AS p
  WHERE e.workspace_id = {ws:String} AND e.type = 'track' AND e.is_bot = 0
    AND e.event IN ('Product Viewed', 'Product Added', 'Order Completed')
    AND e.timestamp < {until:DateTime64(3)}
)`;

/**
 * SAR-style affinity: each interaction weighs by its kind (a purchase more than a cart add, more
 * than a view) and halves every `half` days before `until`, so last month's taste outweighs last year's.
 */
export const affinitySql = `
INSERT INTO rec_affinity (workspace_id, version, profile_id, product_id, affinity, purchases, last_at)
SELECT {ws:String}, {v:UInt64}, profile_id, product_id,
  sum(multiIf(event = 'Order Completed', {wBuy:Float64}, event = 'Product Added', {wCart:Float64}, {wView:Float64})
      * exp2(-dateDiff('second', ts, {until:DateTime64(3)}) / 86400 / {half:Float64})) AS affinity,
  uniqExactIf(basket, event = 'Order Completed') AS purchases,
  max(ts) AS last_at
FROM ${interactionsSql}
WHERE product_id != ''
GROUP BY profile_id, product_id`;

/**
 * Item-item similarity from co-occurrence: two products are close when the same people interacted
 * with both, relative to how many interacted with either (Jaccard, shrunk by {shrink} so a pair seen
 * once among rare products does not outrank a pair seen a hundred times). Each person contributes
 * their {cap} strongest products only, which bounds the pairs a heavy buyer adds (cap² rather than n²).
 */
/**
 * How co-occurrence becomes similarity: Jaccard (shrunk), cosine, or the count itself scaled by the
 * product's own count (P(b | a): leans to popular neighbours). Fixed fragments, never user input.
 */
export const similarityFormulas = {
  jaccard: 'co / (ca.n + cb.n - co + {shrink:Float64})',
  cosine: 'co / (sqrt(ca.n * cb.n) + {shrink:Float64})',
  conditional: 'co / (ca.n + {shrink:Float64})',
} as const;
export type Similarity = keyof typeof similarityFormulas;

export const coNeighboursSql = (similarity: Similarity) => `
INSERT INTO rec_neighbours (workspace_id, version, kind, product_id, neighbour_id, score)
WITH
  people AS (
    SELECT profile_id, arrayMap(t -> t.1, arraySlice(arrayReverseSort(t -> t.2, groupArray((product_id, affinity))), 1, {cap:UInt32})) AS items
    FROM rec_affinity WHERE workspace_id = {ws:String} AND version = {v:UInt64}
    GROUP BY profile_id
  ),
  counts AS (SELECT item, count() AS n FROM people ARRAY JOIN items AS item GROUP BY item),
  pairs AS (
    SELECT a, b, count() AS co FROM people ARRAY JOIN items AS a ARRAY JOIN items AS b
    WHERE a != b GROUP BY a, b
  )
SELECT {ws:String}, {v:UInt64}, 'co', a, b, ${similarityFormulas[similarity]} AS score
FROM pairs INNER JOIN counts AS ca ON ca.item = pairs.a INNER JOIN counts AS cb ON cb.item = pairs.b
ORDER BY a, score DESC, b
LIMIT {k:UInt32} BY a`;

/** Products bought in the same order, scored like `co` but over orders instead of people. */
export const boughtNeighboursSql = `
INSERT INTO rec_neighbours (workspace_id, version, kind, product_id, neighbour_id, score)
WITH
  orders AS (
    SELECT basket, arraySlice(groupUniqArray(product_id), 1, {cap:UInt32}) AS items
    FROM ${interactionsSql} WHERE event = 'Order Completed' AND product_id != ''
    GROUP BY basket HAVING length(items) > 1
  ),
  counts AS (SELECT item, count() AS n FROM orders ARRAY JOIN items AS item GROUP BY item),
  pairs AS (
    SELECT a, b, count() AS co FROM orders ARRAY JOIN items AS a ARRAY JOIN items AS b
    WHERE a != b GROUP BY a, b
  )
SELECT {ws:String}, {v:UInt64}, 'bought', a, b, co / (ca.n + cb.n - co + {shrink:Float64}) AS score
FROM pairs INNER JOIN counts AS ca ON ca.item = pairs.a INNER JOIN counts AS cb ON cb.item = pairs.b
ORDER BY a, score DESC, b
LIMIT {k:UInt32} BY a`;

/**
 * Popularity per product: distinct buyers within the best-seller window, units, and buyers in the
 * last {recentDays} against the {recentDays} x {earlierSpans} before them (trending's momentum).
 */
export const itemStatsSql = `
INSERT INTO rec_item_stats (workspace_id, version, product_id, buyers, units, recent_buyers, earlier_buyers, first_seen_at, seen_name, seen_price)
SELECT {ws:String}, {v:UInt64}, product_id,
  uniqExactIf(profile_id, buy AND age_days < {windowDays:Float64}) AS buyers,
  sumIf(quantity, buy AND age_days < {windowDays:Float64}) AS units,
  uniqExactIf(profile_id, age_days < {recentDays:Float64}) AS recent_buyers,
  uniqExactIf(profile_id, age_days >= {recentDays:Float64} AND age_days < {recentDays:Float64} * (1 + {earlierSpans:Float64})) AS earlier_buyers,
  min(ts) AS first_seen_at,
  argMaxIf(seen_name, ts, seen_name != '') AS seen_name,
  argMaxIf(seen_price, ts, seen_price IS NOT NULL) AS seen_price
FROM (
  SELECT *, event = 'Order Completed' AS buy, dateDiff('second', ts, {until:DateTime64(3)}) / 86400 AS age_days
  FROM ${interactionsSql}
)
WHERE product_id != ''
GROUP BY product_id`;
