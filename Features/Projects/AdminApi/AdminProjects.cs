using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Projects.AdminApi;

/// <summary>A project addressed by an organization key: found only inside the key's own organization.</summary>
public static class AdminProjects
{
    public static async Task<(Project Project, Organization Organization)> LoadAsync(IQuerySession session, string organizationId, string projectId, CancellationToken ct)
    {
        var project = await session.LoadAsync<Project>(projectId, ct);
        var organization = await session.LoadAsync<Organization>(organizationId, ct);
        if (project is null || project.DeletedAt is not null || project.OrganizationId != organizationId || organization is null)
            throw new ApiProblem(404, $"Project {projectId} not found in this organization");
        return (project, organization);
    }
}

/// <summary>Langfuse's membership objects (MembershipResponse, MembershipsResponse, MembershipDeletionResponse).</summary>
public sealed record MembershipResponse(string UserId, string Role, string Email, string Name)
{
    public static MembershipResponse Of(MemberView m, bool projectRole = false) => new(m.UserId, (projectRole ? m.ProjectRole ?? m.Role : m.Role).Text(), m.Email, m.Name);
}

public sealed record MembershipsResponse(IReadOnlyList<MembershipResponse> Memberships);
public sealed record MembershipDeletionResponse(string Message, string UserId);

public static class AdminRoles
{
    /// <summary>The administration API's MembershipRole enum: NONE is not among them.</summary>
    public const string Rule = "role must be one of OWNER, ADMIN, MEMBER, VIEWER";
    public static bool IsRole(string? text) => RoleTable.TryParse(text, out var role) && role != Role.None;
}
