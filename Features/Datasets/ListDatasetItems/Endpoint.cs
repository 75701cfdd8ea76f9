using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Persistence;
using Marten;

namespace Langfuse.Features.Datasets.ListDatasetItems;

/// <summary>GET /api/public/dataset-items: active items, newest first, of a dataset or all; as they were at `version` (a time) if given.</summary>
sealed class Endpoint(DatasetService datasets, IDocumentStore store) : Endpoint<Request, DatasetPage<DatasetItemView>>
{
    public override void Configure()
    {
        Get("/api/public/dataset-items");
        Description(d => d.WithTags("DatasetItems"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        await using var session = store.QuerySession(HttpContext.Project().ProjectId);
        var datasetId = r.DatasetName is { } name ? (await datasets.DatasetAsync(session, name, ct)).Id : null;
        IQueryable<DatasetItemVersion> Items()
        {
            var items = DatasetService.Items(session, datasetId, r.Version);
            if (r.SourceTraceId is { } traceId) items = items.Where(i => i.SourceTraceId == traceId);
            if (r.SourceObservationId is { } observationId) items = items.Where(i => i.SourceObservationId == observationId);
            return items.OrderByDescending(i => i.CreatedAt);
        }
        var (rows, total) = await Paging.PageOfAsync(Items, r.Page, r.Limit, ct);
        await Send.OkAsync(new DatasetPage<DatasetItemView>(rows.Select(DatasetItemView.Of).ToList(), PageMeta.Of(r.Page, r.Limit, total)), ct);
    }
}

public sealed record Request : PageRequest
{
    [QueryParam] public string? DatasetName { get; init; }
    [QueryParam] public string? SourceTraceId { get; init; }
    [QueryParam] public string? SourceObservationId { get; init; }
    /// <summary>A time: the items as they were then (needs datasetName).</summary>
    [QueryParam] public DateTimeOffset? Version { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPagingRules();
            RuleFor(r => r.DatasetName).NotEmpty().When(r => r.Version is not null).WithMessage("version requires datasetName");
        }
    }
}
