-- Each trace's figures over its observations, kept by the worker (Features/Tracing/Tables/TraceFigures.cs): first
-- start, last end, tokens and cost by kind, level counts. One narrow row per trace lets a user's totals or an
-- all-time latency filter read a million rows instead of grouping ten million observations. `version` sums the fold
-- versions of the observations a row was computed from, so the row that saw more events replaces the other.
CREATE TABLE IF NOT EXISTS trace_figures
(
    project_id String,
    trace_id String,
    start_time Int64,
    end_time Int64,
    input_tokens Int64,
    output_tokens Int64,
    total_tokens Int64,
    input_cost Float64,
    output_cost Float64,
    total_cost Float64,
    error_count UInt64,
    warning_count UInt64,
    default_count UInt64,
    debug_count UInt64,
    observation_count UInt64,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (project_id, trace_id);

-- The figures of the observations stored before this table existed (the same computation as TraceFigures.Compute,
-- over every trace at once; FINAL keeps each observation's latest row). Repeating it writes the same versions again.
INSERT INTO trace_figures
SELECT project_id, trace_id, min(start_time), max(ifNull(end_time, start_time)),
  sum(arraySum(arrayFilter((v, k) -> k = 'input', usage_values, usage_keys))),
  sum(arraySum(arrayFilter((v, k) -> k = 'output', usage_values, usage_keys))),
  sum(arraySum(arrayFilter((v, k) -> k = 'total', usage_values, usage_keys))),
  sum(arraySum(arrayFilter((v, k) -> k = 'input', cost_values, cost_keys))),
  sum(arraySum(arrayFilter((v, k) -> k = 'output', cost_values, cost_keys))),
  sum(ifNull(total_cost, 0)),
  countIf(level = 'ERROR'), countIf(level = 'WARNING'), countIf(level = 'DEFAULT'), countIf(level = 'DEBUG'),
  count(), sum(fold_version)
FROM observations FINAL WHERE is_deleted = 0 GROUP BY project_id, trace_id;
