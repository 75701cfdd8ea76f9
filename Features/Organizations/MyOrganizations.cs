using Langfuse.Features.Projects;
using Marten;

namespace Langfuse.Features.Organizations;

public sealed record ProjectSummary(string Id, string Name, string Role);
public sealed record OrganizationSummary(string Id, string Name, string Role, IReadOnlyList<ProjectSummary> Projects);

/// <summary>The organizations a user belongs to and the projects they can open in each, with their roles (for the switcher).</summary>
public sealed class MyOrganizations(IQuerySession session)
{
    public async Task<IReadOnlyList<OrganizationSummary>> ForUserAsync(string userId, CancellationToken ct)
    {
        var memberships = await session.Query<OrganizationMembership>().Where(m => m.UserId == userId).ToListAsync(ct);
        if (memberships.Count == 0) return [];
        var orgIds = memberships.Select(m => m.OrganizationId).ToArray();
        var organizations = (await session.LoadManyAsync<Organization>(ct, orgIds)).ToDictionary(o => o.Id);
        var projects = await session.Query<Project>().Where(p => p.OrganizationId.IsOneOf(orgIds) && p.DeletedAt == null).ToListAsync(ct);
        var overrides = (await session.Query<ProjectMembership>().Where(m => m.UserId == userId).ToListAsync(ct)).ToDictionary(m => m.ProjectId, m => m.Role);
        return memberships.Where(m => organizations.ContainsKey(m.OrganizationId))
            .Select(m => new OrganizationSummary(m.OrganizationId, organizations[m.OrganizationId].Name, m.Role.Text(),
                projects.Where(p => p.OrganizationId == m.OrganizationId)
                    .Select(p => (Project: p, Role: overrides.TryGetValue(p.Id, out var r) ? r : m.Role))
                    .Where(p => p.Role != Role.None)
                    .OrderBy(p => p.Project.Name, StringComparer.Ordinal)
                    .Select(p => new ProjectSummary(p.Project.Id, p.Project.Name, p.Role.Text())).ToList()))
            .OrderBy(o => o.Name, StringComparer.Ordinal).ToList();
    }
}
