-- The experiment variant a message or onsite show belonged to ('' for none), so message analytics and
-- readouts can split impressions, clicks and dismissals by variant.
ALTER TABLE message_events ADD COLUMN IF NOT EXISTS variant String DEFAULT '';
