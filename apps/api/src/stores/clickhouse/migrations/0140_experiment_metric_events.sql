-- The events experiment metrics read, narrowed as they arrive: a readout reads these few columns of
-- its metrics' events instead of the wide `events` rows (revenue parsed out of the properties once,
-- here, rather than at every readout). Ordered by event name first, so a metric's events are one
-- contiguous range; the rest of the key is `events`' own, so a retried event collapses here too.
-- Bot traffic and nameless events (identify, alias, group, unnamed pages) never count in a metric
-- (a metric names an event) and are left out. Metrics filtered on a property read `events`.
-- Every insert into `events` also writes here, so the copy is kept cheap: no properties, the event
-- name a plain String (a LowCardinality dictionary cost small inserts more to build than it saved).
CREATE TABLE IF NOT EXISTS experiment_metric_events
(
    workspace_id LowCardinality(String),
    event String,
    distinct_id String,
    message_id String,
    timestamp DateTime64(3, 'UTC'),
    revenue Float64
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, event, distinct_id, message_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS experiment_metric_events_writer TO experiment_metric_events AS
SELECT workspace_id, event, distinct_id, message_id, timestamp,
       if(event = 'Order Completed', JSONExtractFloat(properties, 'revenue'), 0) AS revenue
FROM events
WHERE is_bot = 0 AND event != '';

INSERT INTO experiment_metric_events
SELECT workspace_id, event, distinct_id, message_id, timestamp, if(event = 'Order Completed', JSONExtractFloat(properties, 'revenue'), 0)
FROM events WHERE is_bot = 0 AND event != '' SETTINGS final = 0;
