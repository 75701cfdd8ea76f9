using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.GetProjectMemberships;

/// <summary>GET /api/public/projects/{projectId}/memberships (organization key): each member's role in the project.</summary>
sealed class Endpoint(Memberships memberships, IQuerySession session) : Endpoint<Request, MembershipsResponse>
{
    public override void Configure()
    {
        Get("projects/{projectId}/memberships");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var (project, _) = await AdminProjects.LoadAsync(session, HttpContext.OrganizationKey().OrganizationId, r.ProjectId, ct);
        var members = await memberships.ListForProjectAsync(project, ct);
        await Send.OkAsync(new MembershipsResponse(members.Select(m => MembershipResponse.Of(m, projectRole: true)).ToList()), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
}
