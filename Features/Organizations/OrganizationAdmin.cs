using Langfuse.Features.AuditLog;
using Langfuse.Features.Projects;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Organizations;

/// <summary>Creating, renaming and deleting organizations.</summary>
public sealed class OrganizationAdmin(IDocumentStore store, ApiKeys keys)
{
    public const int MaxNameLength = 60;

    /// <summary>The creator becomes its OWNER.</summary>
    public async Task<Organization> CreateAsync(string userId, string name, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var organization = new Organization { Id = "o" + Guid.NewGuid().ToString("N")[..24], Name = name.Trim(), CreatedAt = now, UpdatedAt = now };
        await using var session = store.LightweightSession();
        session.Insert(organization);
        Memberships.Ensure(session, organization.Id, userId, Role.Owner);
        session.Record(Actor.User(userId), organization.Id, null, "organization", organization.Id, "create", after: new { organization.Name });
        await session.SaveChangesAsync(ct);
        return organization;
    }

    public async Task<Organization> RenameAsync(Actor actor, string organizationId, string name, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var organization = await session.LoadAsync<Organization>(organizationId, ct) ?? throw new ApiProblem(404, $"Organization {organizationId} not found");
        var before = organization.Name;
        organization.Name = name.Trim();
        organization.UpdatedAt = DateTimeOffset.UtcNow;
        session.Store(organization);
        session.Record(actor, organizationId, null, "organization", organizationId, "update", new { name = before }, new { name = organization.Name });
        await session.SaveChangesAsync(ct);
        return organization;
    }

    /// <summary>Only an organization without projects can go (as in Langfuse): deleting data is a project's deletion, one at a time.</summary>
    public async Task DeleteAsync(Actor actor, string organizationId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var organization = await session.LoadAsync<Organization>(organizationId, ct) ?? throw new ApiProblem(404, $"Organization {organizationId} not found");
        if (await session.Query<Project>().AnyAsync(p => p.OrganizationId == organizationId && p.DeletedAt == null, ct))
            throw new ApiProblem(409, "Delete the organization's projects first");
        var orgKeys = await ApiKeys.DeleteAllAsync(session, organizationId, projectId: null, ct);
        session.DeleteWhere<OrganizationMembership>(m => m.OrganizationId == organizationId);
        session.DeleteWhere<ProjectMembership>(m => m.OrganizationId == organizationId);
        session.DeleteWhere<Invitation>(i => i.OrganizationId == organizationId);
        session.Delete(organization);
        session.Record(actor, organizationId, null, "organization", organizationId, "delete", before: new { organization.Name });
        await session.SaveChangesAsync(ct);
        await keys.RevokeAsync(orgKeys);
    }
}
