using FastEndpoints;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.Scores;

/// <summary>DELETE /api/public/scores/{scoreId}: 202; the score disappears from every read at once.</summary>
sealed class DeleteScore(TracingReads reads, DeleteTraces.TraceDeletion deletion, Wolverine.IMessageBus bus) : EndpointWithoutRequest
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
        // A tombstone in the same partition outranks every fold of this id; the background job erases what it held.
        await deletion.TombstoneScoreAsync(score, ct);
        await bus.PublishAsync(new DeleteTraces.DeleteTraceData(score.ProjectId, [], [score.Id]));
        HttpContext.Response.StatusCode = 202;
        await HttpContext.Response.WriteAsJsonAsync(new { message = "Score deleted successfully" }, ct);
    }
}
