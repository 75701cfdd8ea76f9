using System.Text.Json.Nodes;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Datasets;

/// <summary>Langfuse's Dataset object.</summary>
public record DatasetView(string Id, string Name, string? Description, JsonNode? Metadata, JsonNode? InputSchema, JsonNode? ExpectedOutputSchema,
    string ProjectId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DatasetView Of(Dataset d, string projectId) =>
        new(d.Id, d.Name, d.Description, d.Metadata, d.InputSchema, d.ExpectedOutputSchema, projectId, d.CreatedAt, d.UpdatedAt);
}

/// <summary>The v1 routes' dataset: with its active items and its runs' names.</summary>
public sealed record DatasetWithItems : DatasetView
{
    public DatasetWithItems(DatasetView dataset, IReadOnlyList<DatasetItemView> items, IReadOnlyList<string> runs) : base(dataset) => (Items, Runs) = (items, runs);
    public IReadOnlyList<DatasetItemView> Items { get; init; }
    public IReadOnlyList<string> Runs { get; init; }
}

/// <summary>The v1 list's dataset: with its active items' ids and its runs' names.</summary>
public sealed record DatasetWithItemIds : DatasetView
{
    public DatasetWithItemIds(DatasetView dataset, IReadOnlyList<string> items, IReadOnlyList<string> runs) : base(dataset) => (Items, Runs) = (items, runs);
    public IReadOnlyList<string> Items { get; init; }
    public IReadOnlyList<string> Runs { get; init; }
}

/// <summary>Langfuse's DatasetItem: the item as of its version (updatedAt and validFrom are the version's start).</summary>
public sealed record DatasetItemView(string Id, [property: OneOf(DatasetItemStatus.Active, DatasetItemStatus.Archived)] string Status, JsonNode? Input,
    JsonNode? ExpectedOutput, JsonNode? Metadata, string? SourceTraceId, string? SourceObservationId, string DatasetId, string DatasetName,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset ValidFrom, IReadOnlyList<MediaReferenceView> MediaReferences)
{
    public static DatasetItemView Of(DatasetItemVersion i) => new(i.ItemId, i.Status, i.Input, i.ExpectedOutput, i.Metadata, i.SourceTraceId,
        i.SourceObservationId, i.DatasetId, i.DatasetName, i.CreatedAt, i.ValidFrom, i.ValidFrom, []);
}

/// <summary>Langfuse's reference to a media file inside an item (none here: media uploads are not served).</summary>
public sealed record MediaReferenceView(string Field, string JsonPath, JsonNode? Media, string ReferenceString);

public static class DatasetItemStatus
{
    public const string Active = "ACTIVE", Archived = "ARCHIVED";
}

/// <summary>Langfuse's DatasetRun.</summary>
public record DatasetRunView(string Id, string Name, string? Description, JsonNode? Metadata, string DatasetId, string DatasetName,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DatasetRunView Of(DatasetRun r) => new(r.Id, r.Name, r.Description, r.Metadata, r.DatasetId, r.DatasetName, r.CreatedAt, r.UpdatedAt);
}

/// <summary>Langfuse's DatasetRunItem.</summary>
public sealed record DatasetRunItemView(string Id, string DatasetRunId, string DatasetRunName, string DatasetItemId, string TraceId, string? ObservationId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DatasetRunItemView Of(DatasetRunItem i) =>
        new(i.Id, i.DatasetRunId, i.DatasetRunName, i.DatasetItemId, i.TraceId, i.ObservationId, i.CreatedAt, i.UpdatedAt);
}

/// <summary>A page of a dataset list.</summary>
public sealed record DatasetPage<T>(IReadOnlyList<T> Data, PageMeta Meta);
