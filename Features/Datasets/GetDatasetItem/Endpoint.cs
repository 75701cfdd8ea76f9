using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Datasets.GetDatasetItem;

/// <summary>GET /api/public/dataset-items/{id}: the item's current version, archived or not.</summary>
sealed class Endpoint(DatasetService datasets, IDocumentStore store) : Endpoint<Request, DatasetItemView>
{
    public override void Configure()
    {
        Get("/api/public/dataset-items/{id}");
        Description(d => d.WithTags("DatasetItems").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        await using var session = store.QuerySession(HttpContext.Project().ProjectId);
        await Send.OkAsync(DatasetItemView.Of(await datasets.ItemAsync(session, HttpContext.Decoded("id"), ct)), ct);
    }
}

public sealed record Request
{
    public string Id { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Id).NotEmpty();
    }
}
