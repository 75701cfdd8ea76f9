using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.DeleteTraces;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Wolverine;

namespace Langfuse.Features.Tracing.RemoveAnnotation;

/// <summary>
/// DELETE /api/app/projects/{projectId}/scores/{scoreId}: removes an annotation (MEMBER and above; scores from SDKs
/// and evaluations are not the app's to delete: 400). Gone from every read at once, as the public deletion.
/// </summary>
sealed class Endpoint(Access access, TracingReads reads, TraceDeletion deletion, IMessageBus bus) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("projects/{projectId}/scores/{scoreId}");
        Group<WebApp>();
        Description(d => d.WithTags("Traces").Produces(204).Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ScoresWrite, ct)).Project.Id;
        var score = await reads.ScoreAsync(project, r.ScoreId, ct) ?? throw new ApiProblem(404, $"Score {r.ScoreId} not found");
        if (score.Source != "ANNOTATION") throw new ApiProblem(400, $"Score {r.ScoreId} came from {score.Source}, not an annotation: delete it through the public API");
        await deletion.TombstoneScoreAsync(score, ct);
        await bus.PublishAsync(new DeleteTraceData(project, [], [score.Id]));
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string ScoreId { get; init; } = "";
}
