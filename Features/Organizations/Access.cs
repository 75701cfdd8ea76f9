using Langfuse.Features.Projects;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Organizations;

/// <summary>What a signed-in user may do where: their organization membership, and in a project their effective role.</summary>
public sealed record OrganizationGrant(Organization Organization, Role Role);
public sealed record ProjectGrant(Project Project, Role OrganizationRole, Role Role);

/// <summary>
/// The role check every feature endpoint makes before acting. The organization or project comes from the route, the
/// user from the session, the role from Postgres: never from input alone. A user who is not a member learns nothing:
/// the organization or project is "not found", as if it did not exist.
/// </summary>
public sealed class Access(IQuerySession session)
{
    public async Task<OrganizationGrant> OrganizationAsync(string userId, string organizationId, Permission permission, CancellationToken ct)
    {
        var membership = await session.LoadAsync<OrganizationMembership>(OrganizationMembership.IdOf(organizationId, userId), ct);
        var organization = membership is null ? null : await session.LoadAsync<Organization>(organizationId, ct);
        if (membership is null || organization is null) throw new ApiProblem(404, $"Organization {organizationId} not found");
        Require(membership.Role, permission);
        return new OrganizationGrant(organization, membership.Role);
    }

    public async Task<ProjectGrant> ProjectAsync(string userId, string projectId, Permission permission, CancellationToken ct)
    {
        var project = await session.LoadAsync<Project>(projectId, ct);
        var membership = project is null || project.DeletedAt is not null ? null
            : await session.LoadAsync<OrganizationMembership>(OrganizationMembership.IdOf(project.OrganizationId, userId), ct);
        var projectRole = membership is null ? null : await session.LoadAsync<ProjectMembership>(ProjectMembership.IdOf(projectId, userId), ct);
        var role = projectRole?.Role ?? membership?.Role ?? Role.None;
        if (membership is null || role == Role.None) throw new ApiProblem(404, $"Project {projectId} not found");
        Require(role, permission);
        return new ProjectGrant(project!, membership.Role, role);
    }

    static void Require(Role role, Permission permission)
    {
        if (!RoleTable.Allows(role, permission))
            throw new ApiProblem(403, $"Your role ({role.Text()}) does not allow this: it needs {RoleTable.MinimumRole(permission).Text()} or higher");
    }
}
