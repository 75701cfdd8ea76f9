using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.DeleteProject;

/// <summary>
/// DELETE /api/app/projects/{projectId}: OWNER only. 202: the project and its keys are gone at once; its data is
/// erased in the background.
/// </summary>
sealed class Endpoint(Access access, ProjectAdmin projects) : Endpoint<Request, DeletionResponse>
{
    public override void Configure()
    {
        Delete("projects/{projectId}");
        Group<WebApp>();
        Description(d => d.WithTags("Projects").Produces<DeletionResponse>(202));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.ProjectAsync(me, r.ProjectId, Permission.ProjectDelete, ct);
        await projects.DeleteAsync(Actor.User(me), grant.Project, ct);
        await Send.ResponseAsync(new DeletionResponse(true, "Project deletion has been queued"), 202, ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
}
