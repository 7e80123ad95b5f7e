-- Channel senders record why a message was skipped or failed, and which template it used.
ALTER TABLE message_events ADD COLUMN IF NOT EXISTS template_id String DEFAULT '';
ALTER TABLE message_events ADD COLUMN IF NOT EXISTS reason String DEFAULT '';
ALTER TABLE message_events ADD COLUMN IF NOT EXISTS detail String DEFAULT '';
