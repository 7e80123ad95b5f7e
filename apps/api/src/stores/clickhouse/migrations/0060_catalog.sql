-- The product catalog, owned by the catalog domain: it merges the SDK's product views, imported
-- orders and the brand's catalog feed. Availability and price changes are kept as history, so
-- back-in-stock and price-drop moments can be found and shown.
ALTER TABLE products ADD COLUMN IF NOT EXISTS url String DEFAULT '';
ALTER TABLE products ADD COLUMN IF NOT EXISTS image_url String DEFAULT '';
ALTER TABLE products ADD COLUMN IF NOT EXISTS currency LowCardinality(String) DEFAULT '';
ALTER TABLE products ADD COLUMN IF NOT EXISTS category String DEFAULT '';
ALTER TABLE products ADD COLUMN IF NOT EXISTS brand String DEFAULT '';
-- in_stock, out_of_stock, preorder or unknown (a product only seen in orders or views without it).
ALTER TABLE products ADD COLUMN IF NOT EXISTS availability LowCardinality(String) DEFAULT 'unknown';
-- feed, view or order: the strongest source that set the row (a feed is never overwritten by a view).
ALTER TABLE products ADD COLUMN IF NOT EXISTS source LowCardinality(String) DEFAULT 'order';
ALTER TABLE products ADD COLUMN IF NOT EXISTS first_seen_at DateTime64(3, 'UTC') DEFAULT updated_at;

CREATE TABLE IF NOT EXISTS product_history
(
    workspace_id LowCardinality(String),
    product_id String,
    at DateTime64(3, 'UTC'),
    price Float64,
    currency LowCardinality(String),
    availability LowCardinality(String),
    source LowCardinality(String)
)
ENGINE = MergeTree
ORDER BY (workspace_id, product_id, at);
