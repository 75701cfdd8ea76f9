using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Datasets.GetDatasetRun;

/// <summary>GET /api/public/datasets/{name}/runs/{runName}: the run with its items, oldest first.</summary>
sealed class Endpoint(DatasetService datasets, IDocumentStore store) : Endpoint<Request, DatasetRunWithItems>
{
    public override void Configure()
    {
        Get("/api/public/datasets/{name}/runs/{runName}");
        Description(d => d.WithTags("Datasets").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var runName = HttpContext.Decoded("runName");
        await using var session = store.QuerySession(HttpContext.Project().ProjectId);
        var dataset = await datasets.DatasetAsync(session, HttpContext.Decoded("name"), ct);
        var run = await session.Query<DatasetRun>().FirstOrDefaultAsync(x => x.DatasetId == dataset.Id && x.Name == runName, ct)
            ?? throw new ApiProblem(404, $"Dataset run {runName} not found");
        var items = await session.Query<DatasetRunItem>().Where(i => i.DatasetRunId == run.Id).OrderBy(i => i.CreatedAt).ToListAsync(ct);
        await Send.OkAsync(new DatasetRunWithItems(DatasetRunView.Of(run), items.Select(DatasetRunItemView.Of).ToList()), ct);
    }
}

/// <summary>A run of a dataset, both by name.</summary>
public sealed record Request
{
    public string Name { get; init; } = "";
    public string RunName { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty();
            RuleFor(r => r.RunName).NotEmpty();
        }
    }
}

/// <summary>Langfuse's DatasetRunWithItems.</summary>
public sealed record DatasetRunWithItems : DatasetRunView
{
    public DatasetRunWithItems(DatasetRunView run, IReadOnlyList<DatasetRunItemView> items) : base(run) => DatasetRunItems = items;
    public IReadOnlyList<DatasetRunItemView> DatasetRunItems { get; init; }
}
