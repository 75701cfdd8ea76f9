using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Persistence;
using Marten;

namespace Langfuse.Features.Datasets.ListDatasetRuns;

/// <summary>GET /api/public/datasets/{name}/runs: the dataset's runs, newest first.</summary>
sealed class Endpoint(DatasetService datasets, IDocumentStore store) : Endpoint<Request, DatasetPage<DatasetRunView>>
{
    public override void Configure()
    {
        Get("/api/public/datasets/{name}/runs");
        Description(d => d.WithTags("Datasets").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        await using var session = store.QuerySession(HttpContext.Project().ProjectId);
        var dataset = await datasets.DatasetAsync(session, HttpContext.Decoded("name"), ct);
        var (rows, total) = await Paging.PageOfAsync(() => session.Query<DatasetRun>().Where(x => x.DatasetId == dataset.Id).OrderByDescending(x => x.CreatedAt), r.Page, r.Limit, ct);
        await Send.OkAsync(new DatasetPage<DatasetRunView>(rows.Select(DatasetRunView.Of).ToList(), PageMeta.Of(r.Page, r.Limit, total)), ct);
    }
}

public sealed record Request : PageRequest
{
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPagingRules();
            RuleFor(r => r.Name).NotEmpty();
        }
    }
}
