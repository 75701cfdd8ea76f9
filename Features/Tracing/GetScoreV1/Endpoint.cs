using FastEndpoints;
using Langfuse.Features.Tracing.Tables;

namespace Langfuse.Features.Tracing.GetScoreV1;

/// <summary>GET /api/public/scores/{scoreId} (v1, older SDKs): scores of traces only, corrections hidden.</summary>
sealed class Endpoint(TracingReads reads) : Endpoint<GetScore.Request, PublicScore>
{
    public override void Configure()
    {
        Get("/api/public/scores/{scoreId}");
        Description(d => d.WithTags("Scores").Produces(404));
    }

    public override async Task HandleAsync(GetScore.Request r, CancellationToken ct) => await Send.OkAsync(await GetScore.Request.FindAsync(HttpContext, reads, v1: true, ct), ct);
}

