using FastEndpoints;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.DeleteScore;

/// <summary>DELETE /api/public/scores/{scoreId}: 202; the score disappears from every read at once.</summary>
sealed class Endpoint(TracingReads reads, DeleteTraces.TraceDeletion deletion, Wolverine.IMessageBus bus) : Endpoint<GetScore.Request, Response>
{
    public override void Configure()
    {
        Delete("/api/public/scores/{scoreId}");
        Description(d => d.WithTags("Scores").ClearDefaultProduces(200).Produces<Response>(202).Produces(404));
    }

    public override async Task HandleAsync(GetScore.Request r, CancellationToken ct)
    {
        var id = HttpContext.Decoded("scoreId");
        var score = await reads.ScoreAsync(HttpContext.Project().ProjectId, id, ct) ?? throw new ApiProblem(404, $"Score {id} not found within authorized project");
        // A tombstone in the same partition outranks every fold of this id; the background job erases what it held.
        await deletion.TombstoneScoreAsync(score, ct);
        await bus.PublishAsync(new DeleteTraces.DeleteTraceData(score.ProjectId, [], [score.Id]));
        await Send.ResponseAsync(new Response("Score deleted successfully"), 202, ct);
    }
}

public sealed record Response(string Message);
