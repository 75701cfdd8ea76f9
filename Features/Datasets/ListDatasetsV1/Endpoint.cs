using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Persistence;
using Marten;

namespace Langfuse.Features.Datasets.ListDatasetsV1;

/// <summary>GET /api/public/datasets (v1, older SDKs): as v2, each dataset with its active items' ids and run names; page 0 is the first page.</summary>
sealed class Endpoint(IDocumentStore store) : Endpoint<Request, DatasetPage<DatasetWithItemIds>>
{
    public override void Configure()
    {
        Get("/api/public/datasets");
        Description(d => d.WithTags("Datasets"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var page = Math.Max(1, r.Page);
        await using var session = store.QuerySession(project);
        var (datasets, total) = await Paging.PageOfAsync(() => session.Query<Dataset>().OrderByDescending(d => d.CreatedAt), page, r.Limit, ct);
        var views = new List<DatasetWithItemIds>();
        foreach (var d in datasets)
        {
            var items = await DatasetService.Items(session, d.Id, null).Select(i => i.ItemId).ToListAsync(ct);
            var runs = await session.Query<DatasetRun>().Where(x => x.DatasetId == d.Id).Select(x => x.Name).ToListAsync(ct);
            views.Add(new DatasetWithItemIds(DatasetView.Of(d, project), items, runs));
        }
        await Send.OkAsync(new DatasetPage<DatasetWithItemIds>(views, PageMeta.Of(page, r.Limit, total)), ct);
    }
}

public sealed record Request : PageRequest
{
    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Page).InclusiveBetween(0, QueryParameters.MaxPage);
            RuleFor(r => r.Limit).InclusiveBetween(1, 100);
        }
    }
}
