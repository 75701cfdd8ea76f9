using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Datasets.DeleteDatasetRun;

/// <summary>DELETE /api/public/datasets/{name}/runs/{runName}: the run and its items.</summary>
sealed class Endpoint(DatasetService datasets) : Endpoint<GetDatasetRun.Request, Response>
{
    public override void Configure()
    {
        Delete("/api/public/datasets/{name}/runs/{runName}");
        Description(d => d.WithTags("Datasets").Produces(404));
    }

    public override async Task HandleAsync(GetDatasetRun.Request r, CancellationToken ct)
    {
        await datasets.DeleteRunAsync(HttpContext.Project().ProjectId, HttpContext.Decoded("name"), HttpContext.Decoded("runName"), ct);
        await Send.OkAsync(new Response("Dataset run successfully deleted"), ct);
    }
}

public sealed record Response(string Message);
