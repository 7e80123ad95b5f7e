-- The customer-value models (BG/NBD and Gamma–Gamma) fitted per workspace by the features recompute.
CREATE TABLE IF NOT EXISTS clv_models
(
    workspace_id LowCardinality(String),
    computed_at DateTime64(3, 'UTC'),
    as_of DateTime64(3, 'UTC'),
    customers UInt64,
    repeat_customers UInt64,
    r Float64,
    alpha Float64,
    a Float64,
    b Float64,
    p Float64,
    q Float64,
    gamma Float64,
    horizon_months UInt16,
    annual_discount Float64
)
ENGINE = ReplacingMergeTree(computed_at)
ORDER BY workspace_id;
