using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Datasets.CreateDataset;

/// <summary>POST /api/public/v2/datasets: create a dataset, or update the one of that name (fields sent replace, others stay).</summary>
sealed class Endpoint(DatasetService datasets) : Endpoint<Request, DatasetView>
{
    public override void Configure()
    {
        Post("/api/public/v2/datasets");
        Options(b => b.WithMetadata(JsonBodyLimit.Public));
        Description(d => d.WithTags("Datasets"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        await Send.OkAsync(DatasetView.Of(await datasets.UpsertDatasetAsync(project, r.Command(), ct), project), ct);
    }
}

/// <summary>Langfuse's CreateDatasetRequest (the v1 route takes the same body).</summary>
public sealed record Request
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public JsonNode? Metadata { get; init; }
    public JsonNode? InputSchema { get; init; }
    public JsonNode? ExpectedOutputSchema { get; init; }

    public UpsertDataset Command() => new(Name, Description, Metadata, InputSchema, ExpectedOutputSchema);

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Name).NotEmpty(); // the schemas are checked by the dataset rules (DatasetService)
    }
}
