-- Recommendation models, owned by the recommendations domain. Each build writes a new version;
-- readers take the latest `live` version of their workspace (evaluation builds are `eval`), and a
-- build deletes its workspace's older versions of the same kind once the new one is complete.
CREATE TABLE IF NOT EXISTS rec_models
(
    workspace_id LowCardinality(String),
    version UInt64,
    kind LowCardinality(String),
    built_at DateTime64(3, 'UTC'),
    -- Behaviour before this instant trained the model (the build time, or an evaluation's cut-off).
    trained_until DateTime64(3, 'UTC'),
    half_life_days Float64
)
ENGINE = MergeTree
ORDER BY (workspace_id, kind, version);

-- A person's time-decayed affinity to a product from views, carts and purchases.
CREATE TABLE IF NOT EXISTS rec_affinity
(
    workspace_id LowCardinality(String),
    version UInt64,
    profile_id String,
    product_id String,
    affinity Float64,
    purchases UInt32,
    last_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (workspace_id, version, profile_id, product_id);

-- Item-item neighbours: `co` from every interaction (for_you, similar), `bought` from purchases
-- within one order (bought_together). Only each product's strongest neighbours are kept.
CREATE TABLE IF NOT EXISTS rec_neighbours
(
    workspace_id LowCardinality(String),
    version UInt64,
    kind LowCardinality(String),
    product_id String,
    neighbour_id String,
    score Float64
)
ENGINE = MergeTree
ORDER BY (workspace_id, version, kind, product_id, neighbour_id);

-- Per-product popularity of a build: buyers and units overall, recent and earlier (trending), and
-- the name and price last seen in events, for products the catalog does not describe.
CREATE TABLE IF NOT EXISTS rec_item_stats
(
    workspace_id LowCardinality(String),
    version UInt64,
    product_id String,
    buyers UInt32,
    units Float64,
    recent_buyers UInt32,
    earlier_buyers UInt32,
    first_seen_at DateTime64(3, 'UTC'),
    seen_name String,
    seen_price Nullable(Float64)
)
ENGINE = MergeTree
ORDER BY (workspace_id, version, product_id);
