using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Datasets.CreateDatasetRunItem;

/// <summary>
/// POST /api/public/dataset-run-items: links a trace (or an observation, whose trace is looked up) to a dataset item in
/// a run, creating the run on first use.
/// </summary>
sealed class Endpoint(DatasetService datasets) : Endpoint<Request, DatasetRunItemView>
{
    public override void Configure()
    {
        Post("/api/public/dataset-run-items");
        Options(b => b.WithMetadata(JsonBodyLimit.Public));
        Description(d => d.WithTags("DatasetRunItems"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var (item, _) = await datasets.LinkAsync(HttpContext.Project().ProjectId,
            new LinkRunItem(r.RunName, r.RunDescription, r.Metadata, r.DatasetItemId, r.TraceId, r.ObservationId, r.CreatedAt), ct);
        await Send.OkAsync(DatasetRunItemView.Of(item), ct);
    }
}

/// <summary>Langfuse's CreateDatasetRunItemRequest; like Langfuse (a strict schema) it refuses keys it does not know.</summary>
public sealed record Request
{
    public string? RunName { get; init; }
    public string? RunDescription { get; init; }
    public JsonNode? Metadata { get; init; }
    public string? DatasetItemId { get; init; }
    public string? ObservationId { get; init; }
    public string? TraceId { get; init; }
    /// <summary>Accepted for compatibility; items are linked as they are now.</summary>
    public DateTimeOffset? DatasetVersion { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unrecognized { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.RunName).NotEmpty();
            RuleFor(r => r.DatasetItemId).NotEmpty();
            RuleFor(r => r.Unrecognized).Must(u => u is null || u.Count == 0).OverridePropertyName("body")
                .WithMessage(r => $"Unrecognized key in body: '{r.Unrecognized!.Keys.First()}'");
        }
    }
}
