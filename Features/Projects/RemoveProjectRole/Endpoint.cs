using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.RemoveProjectRole;

/// <summary>DELETE /api/app/projects/{projectId}/members/{userId}: the member's organization role applies in the project again.</summary>
sealed class Endpoint(Access access, Memberships memberships) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("projects/{projectId}/members/{userId}");
        Group<WebApp>();
        Description(d => d.WithTags("Projects").Produces(204));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.ProjectAsync(me, r.ProjectId, Permission.ProjectMembersManage, ct);
        await memberships.SetProjectRoleAsync(new Requester(Actor.User(me), grant.Role, me), grant.Project, r.UserId, null, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string UserId { get; init; } = "";
}
