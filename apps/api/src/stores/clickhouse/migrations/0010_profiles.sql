-- Identity map: each distinct id (user id or anonymous id) belongs to one profile. A merge
-- re-inserts the loser's links with a higher version, so FINAL reads always see the survivor.
CREATE TABLE IF NOT EXISTS identities
(
    workspace_id LowCardinality(String),
    distinct_id String,
    profile_id String,
    kind LowCardinality(String),
    version UInt64,
    linked_at DateTime64(3, 'UTC'),
    INDEX idx_profile profile_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace_id, distinct_id);

-- Every merge of two profiles, kept so a timeline can explain it (merges are never lossy).
CREATE TABLE IF NOT EXISTS identity_merges
(
    workspace_id LowCardinality(String),
    from_profile_id String,
    into_profile_id String,
    reason LowCardinality(String),
    message_id String,
    distinct_ids Array(String),
    merged_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, into_profile_id, from_profile_id);

-- One row per trait key; the newest value (by event time) wins. Values are raw JSON text.
CREATE TABLE IF NOT EXISTS profile_traits
(
    workspace_id LowCardinality(String),
    profile_id String,
    key String,
    value String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (workspace_id, profile_id, key);

-- Computed features, RFM and traits snapshot per profile; recomputed in full or per profile.
CREATE TABLE IF NOT EXISTS profile_features
(
    workspace_id LowCardinality(String),
    profile_id String,
    computed_at DateTime64(3, 'UTC'),
    first_seen DateTime64(3, 'UTC'),
    last_seen DateTime64(3, 'UTC'),
    event_count UInt64,
    sessions UInt32,
    session_seconds Float64,
    avg_session_seconds Float64,
    days_since_last_visit Int32,
    page_views UInt32,
    pages_per_session Float64,
    engaged_seconds Float64,
    avg_scroll_depth Float64,
    rage_clicks UInt32,
    form_abandons UInt32,
    engagement_score Float64,
    first_source String,
    first_medium String,
    first_campaign String,
    last_source String,
    last_medium String,
    last_campaign String,
    referrer_class LowCardinality(String),
    orders UInt32,
    revenue Float64,
    refunds Float64,
    net_revenue Float64,
    avg_order_value Float64,
    first_order_at Nullable(DateTime64(3, 'UTC')),
    last_order_at Nullable(DateTime64(3, 'UTC')),
    days_since_last_order Nullable(Int32),
    products_bought Array(String),
    categories_bought Array(String),
    email String,
    email_consent UInt8,
    push_subscriptions Int32,
    last_onsite_at Nullable(DateTime64(3, 'UTC')),
    rfm_r UInt8,
    rfm_f UInt8,
    rfm_m UInt8,
    rfm_segment LowCardinality(String),
    churn_risk Nullable(Float64),
    cltv Float64,
    traits Map(String, String)
)
ENGINE = ReplacingMergeTree(computed_at)
ORDER BY (workspace_id, profile_id);

-- Quintile cut points of the last full recompute, so one profile's refresh scores it the same way.
CREATE TABLE IF NOT EXISTS rfm_thresholds
(
    workspace_id LowCardinality(String),
    computed_at DateTime64(3, 'UTC'),
    customers UInt64,
    r Array(Float64),
    f Array(Float64),
    m Array(Float64)
)
ENGINE = ReplacingMergeTree(computed_at)
ORDER BY workspace_id;

-- Materialised segment membership; the newest version per (segment, profile) is the current state.
CREATE TABLE IF NOT EXISTS segment_members
(
    workspace_id LowCardinality(String),
    segment_id String,
    profile_id String,
    is_member UInt8,
    version UInt64,
    changed_at DateTime64(3, 'UTC'),
    INDEX idx_profile profile_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace_id, segment_id, profile_id);

-- How far (by receive time) the scheduled backfill of identities and traits has read the events.
CREATE TABLE IF NOT EXISTS profile_watermarks
(
    workspace_id LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY workspace_id;
