using System.Text.Json.Serialization;
using Langfuse.Infrastructure;

namespace Langfuse.Features.Tracing.Tables;

// One record per ClickHouse row; serialised snake_case as JSONEachRow both ways.
// Times are epoch milliseconds (ClickHouse 18.16 has no DateTime64).

/// <summary>A row stored per project.</summary>
public interface IProjectRow
{
    string ProjectId { get; }
}

/// <summary>A merged row: deleted rows stay as tombstones until ClickHouse merges them away.</summary>
public interface IMergedRow
{
    string Id { get; }
    ulong FoldVersion { get; }
    byte IsDeleted { get; }
}

public sealed record TraceRow : IMergedRow, IProjectRow
{
    public required string ProjectId { get; init; }
    public required string Id { get; init; }
    public long Timestamp { get; init; }
    public string? Name { get; init; }
    public string? UserId { get; init; }
    public string? SessionId { get; init; }
    public string? Release { get; init; }
    public string? Version { get; init; }
    /// <inheritdoc cref="ObservationRow.Input"/>
    [JsonConverter(typeof(Utf8StringConverter))]
    public byte[]? Input { get; init; }
    [JsonConverter(typeof(Utf8StringConverter))]
    public byte[]? Output { get; init; }
    public string[] MetadataKeys { get; init; } = [];
    public string[] MetadataValues { get; init; } = [];
    public string[] Tags { get; init; } = [];
    public byte Public { get; init; }
    public byte Bookmarked { get; init; }
    public string Environment { get; init; } = "default";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long FirstSeen { get; init; }
    public ulong FoldVersion { get; init; }
    public byte IsDeleted { get; init; }
}

public sealed record ObservationRow : IMergedRow, IProjectRow
{
    public required string ProjectId { get; init; }
    public required string Id { get; init; }
    public required string TraceId { get; init; }
    public string Type { get; init; } = "SPAN";
    public string? ParentObservationId { get; init; }
    public long StartTime { get; init; }
    public long? EndTime { get; init; }
    public long? CompletionStartTime { get; init; }
    public string? Name { get; init; }
    public string[] MetadataKeys { get; init; } = [];
    public string[] MetadataValues { get; init; } = [];
    public string Level { get; init; } = "DEFAULT";
    public string? StatusMessage { get; init; }
    public string? Version { get; init; }
    /// <summary>
    /// The text as stored (strings verbatim, anything else as JSON), held as UTF-8: inputs and outputs are most of a
    /// row, and a round's rows wait for their insert; as .NET strings they took twice the bytes.
    /// </summary>
    [JsonConverter(typeof(Utf8StringConverter))]
    public byte[]? Input { get; init; }
    [JsonConverter(typeof(Utf8StringConverter))]
    public byte[]? Output { get; init; }
    public string? ProvidedModelName { get; init; }
    public string? InternalModelId { get; init; }
    public string? ModelParameters { get; init; }
    public string[] ProvidedUsageKeys { get; init; } = [];
    public long[] ProvidedUsageValues { get; init; } = [];
    public string[] UsageKeys { get; init; } = [];
    public long[] UsageValues { get; init; } = [];
    public string[] ProvidedCostKeys { get; init; } = [];
    public double[] ProvidedCostValues { get; init; } = [];
    public string[] CostKeys { get; init; } = [];
    public double[] CostValues { get; init; } = [];
    public double? TotalCost { get; init; }
    public string? UsagePricingTierName { get; init; }
    public string? PromptName { get; init; }
    public int? PromptVersion { get; init; }
    public string Environment { get; init; } = "default";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long FirstSeen { get; init; }
    public ulong FoldVersion { get; init; }
    public byte IsDeleted { get; init; }
}

public sealed record ScoreRow : IMergedRow, IProjectRow
{
    public required string ProjectId { get; init; }
    public required string Id { get; init; }
    public long Timestamp { get; init; }
    public required string Name { get; init; }
    public double Value { get; init; }
    public string? StringValue { get; init; }
    public string? LongStringValue { get; init; }
    public string DataType { get; init; } = "NUMERIC";
    public string Source { get; init; } = "API";
    public string? Comment { get; init; }
    public string[] MetadataKeys { get; init; } = [];
    public string[] MetadataValues { get; init; } = [];
    public string? TraceId { get; init; }
    public string? ObservationId { get; init; }
    public string? SessionId { get; init; }
    public string? DatasetRunId { get; init; }
    public string? ConfigId { get; init; }
    public string? QueueId { get; init; }
    public string? AuthorUserId { get; init; }
    public string? ExecutionTraceId { get; init; }
    public string Environment { get; init; } = "default";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long FirstSeen { get; init; }
    public ulong FoldVersion { get; init; }
    public byte IsDeleted { get; init; }
}
