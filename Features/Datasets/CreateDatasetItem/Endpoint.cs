using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Datasets.CreateDatasetItem;

/// <summary>POST /api/public/dataset-items: upsert on id, each write a new version (fields left out keep their value).</summary>
sealed class Endpoint(DatasetService datasets) : Endpoint<Request, DatasetItemView>
{
    public override void Configure()
    {
        Post("/api/public/dataset-items");
        Options(b => b.WithMetadata(JsonBodyLimit.Public));
        Description(d => d.WithTags("DatasetItems"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.OkAsync(DatasetItemView.Of(await datasets.UpsertItemAsync(HttpContext.Project().ProjectId,
            new UpsertItem(r.DatasetName, r.Id, r.Input, r.ExpectedOutput, r.Metadata, r.SourceTraceId, r.SourceObservationId, r.Status), ct)), ct);
}

/// <summary>Langfuse's CreateDatasetItemRequest.</summary>
public sealed record Request
{
    public string? DatasetName { get; init; }
    public JsonNode? Input { get; init; }
    public JsonNode? ExpectedOutput { get; init; }
    public JsonNode? Metadata { get; init; }
    public string? SourceTraceId { get; init; }
    public string? SourceObservationId { get; init; }
    public string? Id { get; init; }
    [OneOf(DatasetItemStatus.Active, DatasetItemStatus.Archived)] public string? Status { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.DatasetName).NotEmpty();
            RuleFor(r => r.Id).MaximumLength(255);
            RuleFor(r => r.Status).Must(s => s is null or DatasetItemStatus.Active or DatasetItemStatus.Archived).WithMessage("status must be ACTIVE or ARCHIVED");
        }
    }
}
