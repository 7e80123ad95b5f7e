-- Why an event was flagged as automated traffic (is_bot = 1), shown on the dashboard's Events page;
-- '' for every other event and for events stored before the reason was kept.
ALTER TABLE events ADD COLUMN IF NOT EXISTS bot_reason String DEFAULT '' AFTER is_bot;
