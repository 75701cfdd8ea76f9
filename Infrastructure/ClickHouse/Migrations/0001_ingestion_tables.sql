-- Every accepted ingestion event, as received: the source of truth that merged rows are folded from
-- (Langfuse keeps the same log in S3). Folding all of an entity's events in timestamp order makes the result
-- independent of arrival order and of redelivery. A small index granularity keeps the lookup of one entity's
-- history from reading thousands of neighbouring bodies.
CREATE TABLE IF NOT EXISTS ingestion_events
(
    project_id String,
    entity_type String,
    entity_id String,
    event_id String,
    event_type String,
    event_ts Int64,
    received_at Int64,
    body String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(received_at, 1000)))
ORDER BY (project_id, entity_type, entity_id, event_ts)
SETTINGS index_granularity = 256;

-- Merged traces. `version` counts the distinct events folded into the row: a fold that saw more events
-- supersedes one that saw fewer, whichever finished last.
CREATE TABLE IF NOT EXISTS traces
(
    project_id String,
    id String,
    timestamp Int64,
    name Nullable(String),
    user_id Nullable(String),
    session_id Nullable(String),
    release Nullable(String),
    version Nullable(String),
    input Nullable(String),
    output Nullable(String),
    metadata_keys Array(String),
    metadata_values Array(String),
    tags Array(String),
    public UInt8,
    bookmarked UInt8,
    environment String,
    created_at Int64,
    updated_at Int64,
    first_seen Int64,
    fold_version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(fold_version)
PARTITION BY toYYYYMM(toDateTime(intDiv(first_seen, 1000)))
ORDER BY (project_id, id)
SETTINGS index_granularity = 1024;

-- Rows carry kilobytes of input and output: small granules keep a lookup of one trace's rows from
-- decompressing megabytes of neighbours.
CREATE TABLE IF NOT EXISTS observations
(
    project_id String,
    id String,
    trace_id String,
    type String,
    parent_observation_id Nullable(String),
    start_time Int64,
    end_time Nullable(Int64),
    completion_start_time Nullable(Int64),
    name Nullable(String),
    metadata_keys Array(String),
    metadata_values Array(String),
    level String,
    status_message Nullable(String),
    version Nullable(String),
    input Nullable(String),
    output Nullable(String),
    provided_model_name Nullable(String),
    internal_model_id Nullable(String),
    model_parameters Nullable(String),
    provided_usage_keys Array(String),
    provided_usage_values Array(Int64),
    usage_keys Array(String),
    usage_values Array(Int64),
    provided_cost_keys Array(String),
    provided_cost_values Array(Float64),
    cost_keys Array(String),
    cost_values Array(Float64),
    total_cost Nullable(Float64),
    usage_pricing_tier_name Nullable(String),
    prompt_name Nullable(String),
    prompt_version Nullable(Int32),
    environment String,
    created_at Int64,
    updated_at Int64,
    first_seen Int64,
    fold_version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(fold_version)
PARTITION BY toYYYYMM(toDateTime(intDiv(first_seen, 1000)))
ORDER BY (project_id, trace_id, id)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS scores
(
    project_id String,
    id String,
    timestamp Int64,
    name String,
    value Float64,
    string_value Nullable(String),
    long_string_value Nullable(String),
    data_type String,
    source String,
    comment Nullable(String),
    metadata_keys Array(String),
    metadata_values Array(String),
    trace_id Nullable(String),
    observation_id Nullable(String),
    session_id Nullable(String),
    dataset_run_id Nullable(String),
    config_id Nullable(String),
    queue_id Nullable(String),
    author_user_id Nullable(String),
    execution_trace_id Nullable(String),
    environment String,
    created_at Int64,
    updated_at Int64,
    first_seen Int64,
    fold_version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(fold_version)
PARTITION BY toYYYYMM(toDateTime(intDiv(first_seen, 1000)))
ORDER BY (project_id, ifNull(trace_id, ''), id)
SETTINGS index_granularity = 1024;
