using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Persistence;
using Marten;

namespace Langfuse.Features.Datasets.ListDatasets;

/// <summary>GET /api/public/v2/datasets: the project's datasets, newest first.</summary>
sealed class Endpoint(IDocumentStore store) : Endpoint<Request, DatasetPage<DatasetView>>
{
    public override void Configure()
    {
        Get("/api/public/v2/datasets");
        Description(d => d.WithTags("Datasets"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        await using var session = store.QuerySession(project);
        var (datasets, total) = await Paging.PageOfAsync(() => session.Query<Dataset>().OrderByDescending(d => d.CreatedAt), r.Page, r.Limit, ct);
        await Send.OkAsync(new DatasetPage<DatasetView>(datasets.Select(d => DatasetView.Of(d, project)).ToList(), PageMeta.Of(r.Page, r.Limit, total)), ct);
    }
}

public sealed record Request : PageRequest
{
    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPagingRules();
    }
}
