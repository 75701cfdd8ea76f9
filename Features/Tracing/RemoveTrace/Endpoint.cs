using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.DeleteTraces;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Wolverine;

namespace Langfuse.Features.Tracing.RemoveTrace;

/// <summary>
/// DELETE /api/app/projects/{projectId}/traces/{traceId}: OWNER and ADMIN; gone from every read at once, its
/// observations and scores erased in the background (the public deletion's path).
/// </summary>
sealed class Endpoint(Access access, TraceDeletion deletion, IMessageBus bus) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("projects/{projectId}/traces/{traceId}");
        Group<WebApp>();
        Description(d => d.WithTags("Traces").Produces(204));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var grant = await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.TracesDelete, ct);
        await deletion.DeleteAsync(grant.Project.Id, [r.TraceId], bus, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string TraceId { get; init; } = "";
}
