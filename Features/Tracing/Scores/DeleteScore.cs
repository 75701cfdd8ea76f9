using FastEndpoints;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.Scores;

/// <summary>DELETE /api/public/scores/{scoreId}: 202; the score disappears from every read at once.</summary>
sealed class DeleteScore(TracingReads reads, TracingStore store) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Delete("/api/public/scores/{scoreId}");
        Description(d => d.WithTags("Scores"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = HttpContext.Decoded("scoreId");
        var score = await reads.ScoreAsync(HttpContext.Project().ProjectId, id, ct);
        if (score is null)
        {
            await PublicApiErrors.WriteAsync(HttpContext, 404, $"Score {id} not found within authorized project", "LangfuseNotFoundError");
            return;
        }
        // A tombstone in the same partition outranks every fold of this id, so ClickHouse's merge drops the score.
        await store.InsertAsync("scores", [score with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone, UpdatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }], ct);
        HttpContext.Response.StatusCode = 202;
        await HttpContext.Response.WriteAsJsonAsync(new { message = "Score deleted successfully" }, ct);
    }
}
