using System.Text.Json.Serialization;
using Langfuse.Infrastructure;

namespace Langfuse.Features.Ingestion;

public static class EntityTypes
{
    public const string Trace = "trace";
    public const string Observation = "observation";
    public const string Score = "score";
}

/// <summary>
/// One validated event, kept as received so the worker can fold it later: its body is the JSON object's UTF-8 text,
/// embedded in the queue entry as the object itself (no escaping on the way in, no transcoding on the way out).
/// </summary>
public sealed record AcceptedEvent(string EventId, string Type, long TimestampMs, string EntityType, string EntityId,
    [property: JsonConverter(typeof(RawJsonConverter))] byte[] Body);

/// <summary>
/// The events of one ingestion request that passed validation. It is on the Redis stream before the client
/// hears 201 for any of them; the worker folds them into ClickHouse.
/// </summary>
public sealed record IngestBatch(string ProjectId, long ReceivedAtMs, List<AcceptedEvent> Events);
