using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Datasets.DeleteDatasetItem;

/// <summary>DELETE /api/public/dataset-items/{id}: the item's current version closes (reads "as of" earlier still see it) and its id is free again.</summary>
sealed class Endpoint(DatasetService datasets) : Endpoint<GetDatasetItem.Request, Response>
{
    public override void Configure()
    {
        Delete("/api/public/dataset-items/{id}");
        Description(d => d.WithTags("DatasetItems").Produces(404));
    }

    public override async Task HandleAsync(GetDatasetItem.Request r, CancellationToken ct)
    {
        await datasets.DeleteItemAsync(HttpContext.Project().ProjectId, HttpContext.Decoded("id"), ct);
        await Send.OkAsync(new Response("Dataset item successfully deleted"), ct);
    }
}

public sealed record Response(string Message);
