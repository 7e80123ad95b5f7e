-- When the workspace's last full feature pass ran: between full passes the scheduled pass only
-- recomputes the profiles touched since the watermark, and a full pass is due once this is old.
ALTER TABLE profile_watermarks ADD COLUMN IF NOT EXISTS full_at DateTime64(3, 'UTC') DEFAULT toDateTime64(0, 3, 'UTC');
