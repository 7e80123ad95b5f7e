-- Every event, as received through the Segment-compatible ingestion API.
-- Rows with the same (workspace_id, distinct_id, message_id) are one event: a retried
-- batch collapses here, and every read runs with FINAL so it is never counted twice.
CREATE TABLE IF NOT EXISTS events
(
    workspace_id LowCardinality(String),
    message_id String,
    type LowCardinality(String),
    event String,
    distinct_id String,
    anonymous_id String,
    user_id String,
    group_id String,
    previous_id String,
    timestamp DateTime64(3, 'UTC'),
    sent_at Nullable(DateTime64(3, 'UTC')),
    received_at DateTime64(3, 'UTC'),
    properties String,
    traits String,
    context String,
    is_bot UInt8,
    INDEX idx_timestamp timestamp TYPE minmax GRANULARITY 1,
    INDEX idx_received received_at TYPE minmax GRANULARITY 1,
    INDEX idx_event event TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, distinct_id, message_id);
