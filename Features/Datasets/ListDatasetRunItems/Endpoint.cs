using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Persistence;
using Marten;

namespace Langfuse.Features.Datasets.ListDatasetRunItems;

/// <summary>GET /api/public/dataset-run-items?datasetId&amp;runName: a run's items, oldest first.</summary>
sealed class Endpoint(IDocumentStore store) : Endpoint<Request, DatasetPage<DatasetRunItemView>>
{
    public override void Configure()
    {
        Get("/api/public/dataset-run-items");
        Description(d => d.WithTags("DatasetRunItems").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        await using var session = store.QuerySession(HttpContext.Project().ProjectId);
        var run = await session.Query<DatasetRun>().FirstOrDefaultAsync(x => x.DatasetId == r.DatasetId && x.Name == r.RunName, ct)
            ?? throw new ApiProblem(404, $"Dataset run {r.RunName} not found");
        var (rows, total) = await Paging.PageOfAsync(() => session.Query<DatasetRunItem>().Where(i => i.DatasetRunId == run.Id).OrderBy(i => i.CreatedAt), r.Page, r.Limit, ct);
        await Send.OkAsync(new DatasetPage<DatasetRunItemView>(rows.Select(DatasetRunItemView.Of).ToList(), PageMeta.Of(r.Page, r.Limit, total)), ct);
    }
}

public sealed record Request : PageRequest
{
    [QueryParam] public string DatasetId { get; init; } = "";
    [QueryParam] public string RunName { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPagingRules();
            RuleFor(r => r.DatasetId).NotEmpty();
            RuleFor(r => r.RunName).NotEmpty();
        }
    }
}
