-- Product catalogue as seen in imported orders (latest name and price per product).
CREATE TABLE IF NOT EXISTS products
(
    workspace_id LowCardinality(String),
    product_id String,
    name String,
    price Float64,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (workspace_id, product_id);
