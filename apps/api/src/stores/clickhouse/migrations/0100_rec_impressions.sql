-- Recommendation blocks shown, owned by the recommendations domain: one row per block (an onsite
-- placement filled by decide, an email that rendered a strategy), with the recommendation id its
-- links carry as `rec=<id>` and the products it showed. Clicks are page views whose URL carries the
-- id; attributed orders are read from the events with the products (recommendations/attribution.ts).
CREATE TABLE IF NOT EXISTS rec_impressions
(
    workspace_id LowCardinality(String),
    rec_id String,
    strategy LowCardinality(String),
    -- 'placement' or 'message', and the placement id or the message's template id
    source_kind LowCardinality(String),
    source_id String,
    profile_id String,
    product_ids Array(String),
    shown_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (workspace_id, shown_at, rec_id);
