using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Datasets.GetDatasetV1;

/// <summary>GET /api/public/datasets/{name} (v1, older SDKs' getDataset): with its active items, newest first, and run names.</summary>
sealed class Endpoint(DatasetService datasets, IDocumentStore store) : Endpoint<GetDataset.Request, DatasetWithItems>
{
    public override void Configure()
    {
        Get("/api/public/datasets/{name}");
        Description(d => d.WithTags("Datasets").Produces(404));
    }

    public override async Task HandleAsync(GetDataset.Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        await using var session = store.QuerySession(project);
        var dataset = await datasets.DatasetAsync(session, HttpContext.Decoded("name"), ct);
        var items = await DatasetService.Items(session, dataset.Id, null).OrderByDescending(i => i.CreatedAt).ToListAsync(ct);
        var runs = await session.Query<DatasetRun>().Where(x => x.DatasetId == dataset.Id).Select(x => x.Name).ToListAsync(ct);
        await Send.OkAsync(new DatasetWithItems(DatasetView.Of(dataset, project), items.Select(DatasetItemView.Of).ToList(), runs), ct);
    }
}
