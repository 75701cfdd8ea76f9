-- Events the worker could not store (their content made the fold, the pricing or ClickHouse fail). They stay in the
-- event log, but later folds of their entity leave them out, so one poison event never blocks the entity's other
-- events; the Redis dead-letter stream holds a copy with the reason, for listing and replay. A replayed event that
-- folds is released (state 0, a newer row for the same key).
CREATE TABLE IF NOT EXISTS quarantined_events
(
    project_id String,
    entity_type String,
    entity_id String,
    event_id String,
    state UInt8,
    reason String,
    changed_at Int64
)
ENGINE = ReplacingMergeTree(changed_at)
ORDER BY (project_id, entity_type, entity_id, event_id);
