using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Datasets.GetDataset;

/// <summary>GET /api/public/v2/datasets/{name}.</summary>
sealed class Endpoint(DatasetService datasets, IDocumentStore store) : Endpoint<Request, DatasetView>
{
    public override void Configure()
    {
        Get("/api/public/v2/datasets/{name}");
        Description(d => d.WithTags("Datasets").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        await using var session = store.QuerySession(project);
        await Send.OkAsync(DatasetView.Of(await datasets.DatasetAsync(session, HttpContext.Decoded("name"), ct), project), ct);
    }
}

/// <summary>A dataset by name (names may hold slashes, sent as %2F).</summary>
public sealed record Request
{
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Name).NotEmpty();
    }
}
