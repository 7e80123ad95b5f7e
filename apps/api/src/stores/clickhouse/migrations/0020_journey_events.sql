-- What journeys did, step by step: per-node metrics (entered, completed, skipped by reason,
-- converted) and the journey part of a profile's timeline. Counters, not the source of truth:
-- run state and actions live in PostgreSQL.
CREATE TABLE IF NOT EXISTS journey_events
(
    workspace_id LowCardinality(String),
    journey_id String,
    version UInt32,
    node_id String,
    run_id String,
    profile_id String,
    kind LowCardinality(String),
    reason String,
    channel LowCardinality(String),
    revenue Float64,
    at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (workspace_id, journey_id, node_id, kind, at);

-- Message outcomes of every channel (sent, delivered, open, click, bounce, unsubscribe...).
-- The journey engine reads opens and clicks over received messages to choose the best channel
-- and the hours a profile engages to choose the best time.
CREATE TABLE IF NOT EXISTS message_events
(
    workspace_id LowCardinality(String),
    message_id String,
    profile_id String,
    journey_id String,
    node_id String,
    channel LowCardinality(String),
    kind LowCardinality(String),
    at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, profile_id, message_id, kind);
