using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.ListProjectMembers;

/// <summary>GET /api/app/projects/{projectId}/members: who can open the project, with organization and project roles (MEMBER and above).</summary>
sealed class Endpoint(Access access, Memberships memberships) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("projects/{projectId}/members");
        Group<WebApp>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var grant = await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectMembersRead, ct);
        await Send.OkAsync(new Response((await memberships.ListForProjectAsync(grant.Project, ct)).Select(MemberItem.Of).ToList()), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
}

public sealed record Response(IReadOnlyList<MemberItem> Members);
