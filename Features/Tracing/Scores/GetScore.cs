using FastEndpoints;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.Scores;

/// <summary>GET /api/public/scores/{scoreId} (v1: trace scores, corrections hidden) and /api/public/v2/scores/{scoreId} (any score).</summary>
sealed class GetScore(TracingReads reads) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/scores/{scoreId}", "/api/public/v2/scores/{scoreId}");
        Description(d => d.WithTags("Scores"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = HttpContext.Decoded("scoreId");
        var v1 = !HttpContext.Request.Path.StartsWithSegments("/api/public/v2");
        var score = await reads.ScoreAsync(HttpContext.Project().ProjectId, id, ct);
        if (score is null || (v1 && (score.TraceId is null || score.DataType == "CORRECTION")))
        {
            await PublicApiErrors.WriteAsync(HttpContext, 404, $"Score {id} not found within authorized project", "LangfuseNotFoundError");
            return;
        }
        await HttpContext.Response.WriteAsJsonAsync(ApiViews.Score(score), ct);
    }
}
