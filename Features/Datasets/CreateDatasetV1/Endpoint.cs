using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Marten;

namespace Langfuse.Features.Datasets.CreateDatasetV1;

/// <summary>POST /api/public/datasets (v1, older SDKs): as v2, answered with the dataset's items and run names.</summary>
sealed class Endpoint(DatasetService datasets, IDocumentStore store) : Endpoint<CreateDataset.Request, DatasetWithItems>
{
    public override void Configure()
    {
        Post("/api/public/datasets");
        Options(b => b.WithMetadata(JsonBodyLimit.Public));
        Description(d => d.WithTags("Datasets"));
    }

    public override async Task HandleAsync(CreateDataset.Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var dataset = await datasets.UpsertDatasetAsync(project, r.Command(), ct);
        await using var session = store.QuerySession(project);
        var items = await DatasetService.Items(session, dataset.Id, null).ToListAsync(ct);
        var runs = await session.Query<DatasetRun>().Where(x => x.DatasetId == dataset.Id).Select(x => x.Name).ToListAsync(ct);
        await Send.OkAsync(new DatasetWithItems(DatasetView.Of(dataset, project), items.Select(DatasetItemView.Of).ToList(), runs), ct);
    }
}
