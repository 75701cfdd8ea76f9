using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Langfuse.Infrastructure.Persistence;

namespace Langfuse.Features.Datasets;

public sealed class Dataset : IProjectOwned
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public JsonNode? Metadata { get; set; }
    public JsonNode? InputSchema { get; set; }
    public JsonNode? ExpectedOutputSchema { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One version of a dataset item, valid from <see cref="ValidFrom"/> until <see cref="ValidTo"/> (open while current).
/// Reading the dataset "as of" a time picks the versions valid then.
/// </summary>
public sealed class DatasetItemVersion : IProjectOwned
{
    public string Id { get; set; } = "";
    public string ItemId { get; set; } = "";
    public string DatasetId { get; set; } = "";
    public string DatasetName { get; set; } = "";
    public string Status { get; set; } = "ACTIVE";
    public JsonNode? Input { get; set; }
    public JsonNode? ExpectedOutput { get; set; }
    public JsonNode? Metadata { get; set; }
    public string? SourceTraceId { get; set; }
    public string? SourceObservationId { get; set; }
    public DateTimeOffset ValidFrom { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The identity of a dataset item within its project: which dataset it belongs to and its current version.
/// Written with optimistic concurrency on every change, so concurrent upserts of one id are serialised and an id
/// can never belong to two datasets.
/// </summary>
public sealed class DatasetItemHead : IProjectOwned
{
    public string Id { get; set; } = "";
    public string ItemId { get; set; } = "";
    public string DatasetId { get; set; } = "";
    public DateTimeOffset CurrentValidFrom { get; set; }

    public static string IdFor(string itemId) => "dih-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(itemId)))[..32];
}

public sealed class DatasetRun : IProjectOwned
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public JsonNode? Metadata { get; set; }
    public string DatasetId { get; set; } = "";
    public string DatasetName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class DatasetRunItem : IProjectOwned
{
    public string Id { get; set; } = "";
    public string DatasetRunId { get; set; } = "";
    public string DatasetRunName { get; set; } = "";
    public string DatasetId { get; set; } = "";
    public string DatasetItemId { get; set; } = "";
    public string TraceId { get; set; } = "";
    public string? ObservationId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
