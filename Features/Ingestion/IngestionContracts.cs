namespace Langfuse.Features.Ingestion;

public static class EntityTypes
{
    public const string Trace = "trace";
    public const string Observation = "observation";
    public const string Score = "score";
}

/// <summary>One validated event, kept as received (its body as raw JSON) so the worker can fold it later.</summary>
public sealed record AcceptedEvent(string EventId, string Type, long TimestampMs, string EntityType, string EntityId, string Body);

/// <summary>
/// The events of one ingestion request that passed validation. It is on the Redis stream before the client
/// hears 201 for any of them; the worker folds them into ClickHouse.
/// </summary>
public sealed record IngestBatch(string ProjectId, long ReceivedAtMs, List<AcceptedEvent> Events);
