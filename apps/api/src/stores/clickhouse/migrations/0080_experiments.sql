-- Experiment exposures, copied out of `events` as they arrive: an exposure is an ordinary
-- `$experiment_exposure` event (properties: experiment, variant, context), and this table keeps
-- just what a readout needs, ordered so one experiment's exposures are one contiguous range.
-- A person exposed twice has two rows; readouts keep their first exposure.
CREATE TABLE IF NOT EXISTS experiment_exposures
(
    workspace_id LowCardinality(String),
    experiment String,
    variant String,
    distinct_id String,
    exposed_at DateTime64(3, 'UTC'),
    message_id String
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, experiment, distinct_id, message_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS experiment_exposures_writer TO experiment_exposures AS
SELECT workspace_id, JSONExtractString(properties, 'experiment') AS experiment, JSONExtractString(properties, 'variant') AS variant,
       distinct_id, timestamp AS exposed_at, message_id
FROM events
WHERE event = '$experiment_exposure' AND is_bot = 0;

INSERT INTO experiment_exposures
SELECT workspace_id, JSONExtractString(properties, 'experiment'), JSONExtractString(properties, 'variant'), distinct_id, timestamp, message_id
FROM events WHERE event = '$experiment_exposure' AND is_bot = 0 SETTINGS final = 0;
