-- The few JSON values that every feature pass reads, parsed once when an event is stored instead of
-- on every pass over the whole history (which spent most of its time re-parsing the same texts).
-- Each is empty (0, NULL, '' or []) on events it does not apply to. Parts written before this
-- migration compute them on read until the rewrite below has reached them; it runs in the background
-- (chDB would otherwise hold the start of a large install until every part is rewritten).
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS order_revenue Float64
        MATERIALIZED if(event IN ('Order Completed', 'Order Refunded'), JSONExtractFloat(properties, 'revenue'), 0),
    ADD COLUMN IF NOT EXISTS order_products Array(String)
        MATERIALIZED if(event = 'Order Completed', arrayMap(p -> if(JSONExtractString(p, 'name') != '', JSONExtractString(p, 'name'), JSONExtractString(p, 'product_id')), JSONExtractArrayRaw(properties, 'products')), []),
    ADD COLUMN IF NOT EXISTS order_categories Array(String)
        MATERIALIZED if(event = 'Order Completed', arrayMap(p -> JSONExtractString(p, 'category'), JSONExtractArrayRaw(properties, 'products')), []),
    ADD COLUMN IF NOT EXISTS engaged_ms Float64
        MATERIALIZED if(event = '$pageleave', JSONExtractFloat(properties, 'engaged_ms'), 0),
    ADD COLUMN IF NOT EXISTS form_abandon UInt8
        MATERIALIZED event = '$form_interaction' AND JSONExtractString(properties, 'action') = 'abandon',
    -- A scroll milestone (0-100, the client's word) and the page view it belongs to: the session and the
    -- number of its page view that the browser SDK stamps on every event, or the event itself without one.
    ADD COLUMN IF NOT EXISTS scroll_milestone Nullable(Float64)
        MATERIALIZED multiIf(
            event = '$scroll' AND JSONHas(properties, 'depth'), least(100, greatest(0, JSONExtractFloat(properties, 'depth'))),
            event = '$pageleave' AND JSONHas(properties, 'max_scroll'), least(100, greatest(0, JSONExtractFloat(properties, 'max_scroll'))),
            NULL),
    ADD COLUMN IF NOT EXISTS scroll_page_view String
        MATERIALIZED if((event = '$scroll' AND JSONHas(properties, 'depth')) OR (event = '$pageleave' AND JSONHas(properties, 'max_scroll')),
            if(JSONExtractString(context, 'sessionId') = '', message_id, concat(JSONExtractString(context, 'sessionId'), ':', toString(JSONExtractUInt(context, 'session', 'pages')))),
            '');

ALTER TABLE events MATERIALIZE COLUMN order_revenue SETTINGS mutations_sync = 0;
ALTER TABLE events MATERIALIZE COLUMN order_products SETTINGS mutations_sync = 0;
ALTER TABLE events MATERIALIZE COLUMN order_categories SETTINGS mutations_sync = 0;
ALTER TABLE events MATERIALIZE COLUMN engaged_ms SETTINGS mutations_sync = 0;
ALTER TABLE events MATERIALIZE COLUMN form_abandon SETTINGS mutations_sync = 0;
ALTER TABLE events MATERIALIZE COLUMN scroll_milestone SETTINGS mutations_sync = 0;
ALTER TABLE events MATERIALIZE COLUMN scroll_page_view SETTINGS mutations_sync = 0;
