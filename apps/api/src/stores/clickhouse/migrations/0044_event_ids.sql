-- One row per (workspace, messageId) ever stored in `events`, looked up by primary key when events
-- are written: a messageId is one event whoever it names. `events` is ordered by distinct_id first
-- (every profile's reads rely on it), so its own FINAL only collapses copies naming the same person;
-- this table catches a resend naming another one (after a restart, from another process).
CREATE TABLE IF NOT EXISTS event_ids
(
    workspace_id LowCardinality(String),
    message_id String
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, message_id)
SETTINGS index_granularity = 256;

-- Every insert into `events`, by any code path, records its ids here in the same insert.
CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_writer TO event_ids AS
SELECT workspace_id, message_id FROM events;

-- The ids of events stored before this table existed (a row the view also wrote is collapsed).
INSERT INTO event_ids SELECT DISTINCT workspace_id, message_id FROM events SETTINGS final = 0;
