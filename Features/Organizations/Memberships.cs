using Langfuse.Features.AuditLog;
using Langfuse.Features.Projects;
using Langfuse.Features.Users;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Organizations;

/// <summary>
/// Who asks for a membership change, with the role the rules weigh: a user's organization role (their effective role for
/// a project role), or an organization key, which acts as an OWNER and has no membership of its own.
/// </summary>
public sealed record Requester(Actor Actor, Role Role, string? UserId)
{
    public static Requester OrganizationKey(string apiKeyId) => new(Actor.ApiKey(apiKeyId), Role.Owner, null);
}

public sealed record MemberView(string UserId, string Email, string Name, Role Role, Role? ProjectRole);
public sealed record InvitationView(string Id, string Email, Role Role, string? ProjectId, Role? ProjectRole, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string Link);
public sealed record InviteResult(MemberView? Member, InvitationView? Invitation);

/// <summary>
/// Organization and project roles, with the rules beyond the role table: only an OWNER grants, changes or removes the
/// OWNER role; nobody changes their own role (leaving is allowed); an organization keeps at least one OWNER. Changes of
/// one organization's memberships are serialised by the organization document's version, so two owners demoting each
/// other at once cannot leave it without one.
/// </summary>
public sealed class Memberships(IDocumentStore store, LangfuseSettings settings)
{
    public static void Ensure(IDocumentSession session, string organizationId, string userId, Role role) =>
        session.Store(new OrganizationMembership
        {
            Id = OrganizationMembership.IdOf(organizationId, userId), OrganizationId = organizationId, UserId = userId, Role = role, CreatedAt = DateTimeOffset.UtcNow,
        });

    /// <summary>A deleted project's roles and invitations, added to the deletion's transaction.</summary>
    public static void ForgetProject(IDocumentSession session, string projectId)
    {
        session.DeleteWhere<ProjectMembership>(m => m.ProjectId == projectId);
        session.DeleteWhere<Invitation>(i => i.ProjectId == projectId);
    }

    public async Task<IReadOnlyList<MemberView>> ListAsync(string organizationId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var members = await session.Query<OrganizationMembership>().Where(m => m.OrganizationId == organizationId).ToListAsync(ct);
        var users = await UserDirectory.LoadAsync(session, members.Select(m => m.UserId), ct);
        return members.Where(m => users.ContainsKey(m.UserId))
            .Select(m => new MemberView(m.UserId, users[m.UserId].Email, users[m.UserId].Name, m.Role, null))
            .OrderBy(m => m.Email, StringComparer.Ordinal).ToList();
    }

    /// <summary>The organization's members with their role in the project (the project role where one is set).</summary>
    public async Task<IReadOnlyList<MemberView>> ListForProjectAsync(Project project, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var overrides = (await session.Query<ProjectMembership>().Where(m => m.ProjectId == project.Id).ToListAsync(ct)).ToDictionary(m => m.UserId, m => m.Role);
        return (await ListAsync(project.OrganizationId, ct))
            .Select(m => m with { ProjectRole = overrides.TryGetValue(m.UserId, out var r) ? r : null })
            .Where(m => (m.ProjectRole ?? m.Role) != Role.None).ToList();
    }

    public async Task<IReadOnlyList<InvitationView>> PendingInvitationsAsync(string organizationId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var now = DateTimeOffset.UtcNow;
        return (await session.Query<Invitation>().Where(i => i.OrganizationId == organizationId && i.ExpiresAt > now).ToListAsync(ct))
            .Select(View).OrderBy(i => i.Email, StringComparer.Ordinal).ToList();
    }

    /// <summary>An existing user becomes a member at once; anyone else gets an invitation, shown to admins with its link.</summary>
    public async Task<InviteResult> InviteAsync(Requester requester, string organizationId, string email, Role role, string? projectId, Role? projectRole, CancellationToken ct)
    {
        email = User.Normalize(email);
        if (role == Role.Owner || projectRole == Role.Owner) RequireOwner(requester);
        await using var session = store.LightweightSession();
        var organization = await TouchAsync(session, organizationId, ct);
        if (projectId is not null)
        {
            var project = await session.LoadAsync<Project>(projectId, ct);
            if (project is null || project.DeletedAt is not null || project.OrganizationId != organizationId)
                throw new ApiProblem(404, $"Project {projectId} not found in this organization");
        }
        if (await UserDirectory.FindByEmailAsync(session, email, ct) is { } user)
        {
            if (await session.LoadAsync<OrganizationMembership>(OrganizationMembership.IdOf(organizationId, user.Id), ct) is not null)
                throw new ApiProblem(409, $"{email} is already a member of this organization");
            Ensure(session, organizationId, user.Id, role);
            if (projectId is not null && projectRole is { } pr) StoreProjectRole(session, projectId, organizationId, user.Id, pr);
            session.Record(requester.Actor, organizationId, projectId, "membership", user.Id, "create", after: new { role = role.Text(), projectRole = projectRole?.Text() });
            await SaveAsync(session, ct);
            return new InviteResult(new MemberView(user.Id, user.Email, user.Name, role, projectRole), null);
        }
        foreach (var old in await session.Query<Invitation>().Where(i => i.OrganizationId == organization.Id && i.Email == email).ToListAsync(ct))
            session.Delete(old);
        var now = DateTimeOffset.UtcNow;
        var invitation = new Invitation
        {
            Id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), OrganizationId = organizationId, Email = email,
            Role = role, ProjectId = projectId, ProjectRole = projectRole, InvitedByUserId = requester.UserId ?? requester.Actor.Id, CreatedAt = now, ExpiresAt = now + Invitation.Lifetime,
        };
        session.Store(invitation);
        session.Record(requester.Actor, organizationId, projectId, "invitation", invitation.Id, "create", after: new { email, role = role.Text(), projectRole = projectRole?.Text() });
        await SaveAsync(session, ct);
        return new InviteResult(null, View(invitation));
    }

    public async Task RevokeInvitationAsync(Requester requester, string organizationId, string invitationId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var invitation = await session.LoadAsync<Invitation>(invitationId, ct);
        if (invitation is null || invitation.OrganizationId != organizationId) throw new ApiProblem(404, "Invitation not found");
        if (invitation.Role == Role.Owner) RequireOwner(requester);
        session.Delete(invitation);
        session.Record(requester.Actor, organizationId, invitation.ProjectId, "invitation", invitation.Id, "delete", before: new { invitation.Email, role = invitation.Role.Text() });
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Sets a member's organization role; <paramref name="createIfMissing"/> (the administration API's upsert) adds an existing user.</summary>
    public async Task<MemberView> SetRoleAsync(Requester requester, string organizationId, string userId, Role role, bool createIfMissing, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await TouchAsync(session, organizationId, ct);
        var user = await UserDirectory.FindAsync(session, userId, ct) ?? throw new ApiProblem(404, $"User {userId} not found");
        var membership = await session.LoadAsync<OrganizationMembership>(OrganizationMembership.IdOf(organizationId, userId), ct);
        if (membership is null && !createIfMissing) throw new ApiProblem(404, $"User {userId} is not a member of this organization");
        CheckChange(requester, userId, membership?.Role, role);
        if (membership?.Role == Role.Owner && role != Role.Owner) await RequireAnotherOwnerAsync(session, organizationId, userId, ct);
        var before = membership?.Role;
        membership ??= new OrganizationMembership { Id = OrganizationMembership.IdOf(organizationId, userId), OrganizationId = organizationId, UserId = userId, CreatedAt = DateTimeOffset.UtcNow };
        membership.Role = role;
        session.Store(membership);
        session.Record(requester.Actor, organizationId, null, "membership", userId, before is null ? "create" : "update",
            before: before is null ? null : new { role = before.Value.Text() }, after: new { role = role.Text() });
        await SaveAsync(session, ct);
        return new MemberView(user.Id, user.Email, user.Name, role, null);
    }

    /// <summary>Removes a member (and their project roles in this organization). Leaving is removing oneself.</summary>
    public async Task RemoveAsync(Requester requester, string organizationId, string userId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await TouchAsync(session, organizationId, ct);
        var membership = await session.LoadAsync<OrganizationMembership>(OrganizationMembership.IdOf(organizationId, userId), ct)
            ?? throw new ApiProblem(404, $"User {userId} is not a member of this organization");
        if (requester.UserId != userId) CheckChange(requester, userId, membership.Role, null);
        if (membership.Role == Role.Owner) await RequireAnotherOwnerAsync(session, organizationId, userId, ct);
        session.Delete(membership);
        session.DeleteWhere<ProjectMembership>(m => m.OrganizationId == organizationId && m.UserId == userId);
        session.Record(requester.Actor, organizationId, null, "membership", userId, "delete", before: new { role = membership.Role.Text() });
        await SaveAsync(session, ct);
    }

    /// <summary>Sets (or, with null, removes) a member's role in one project, which then overrides their organization role there.</summary>
    public async Task<MemberView> SetProjectRoleAsync(Requester requester, Project project, string userId, Role? role, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await TouchAsync(session, project.OrganizationId, ct);
        var user = await UserDirectory.FindAsync(session, userId, ct) ?? throw new ApiProblem(404, $"User {userId} not found");
        var orgMembership = await session.LoadAsync<OrganizationMembership>(OrganizationMembership.IdOf(project.OrganizationId, userId), ct)
            ?? throw new ApiProblem(400, $"User {userId} must be a member of the organization first");
        var current = await session.LoadAsync<ProjectMembership>(ProjectMembership.IdOf(project.Id, userId), ct);
        if (role is null && current is null) throw new ApiProblem(404, $"User {userId} has no role in project {project.Id}");
        CheckChange(requester, userId, current?.Role, role ?? Role.None);
        if (role is { } r) StoreProjectRole(session, project.Id, project.OrganizationId, userId, r);
        else session.Delete(current!);
        session.Record(requester.Actor, project.OrganizationId, project.Id, "projectMembership", userId, role is null ? "delete" : current is null ? "create" : "update",
            before: current is null ? null : new { role = current.Role.Text() }, after: role is null ? null : new { role = role.Value.Text() });
        await SaveAsync(session, ct);
        return new MemberView(user.Id, user.Email, user.Name, orgMembership.Role, role);
    }

    static void StoreProjectRole(IDocumentSession session, string projectId, string organizationId, string userId, Role role) =>
        session.Store(new ProjectMembership
        {
            Id = ProjectMembership.IdOf(projectId, userId), ProjectId = projectId, OrganizationId = organizationId, UserId = userId, Role = role, CreatedAt = DateTimeOffset.UtcNow,
        });

    static void CheckChange(Requester requester, string targetUserId, Role? current, Role? next)
    {
        if (requester.UserId == targetUserId) throw new ApiProblem(403, "You cannot change your own role");
        if (current == Role.Owner || next == Role.Owner) RequireOwner(requester);
    }

    static void RequireOwner(Requester requester)
    {
        if (requester.Role != Role.Owner) throw new ApiProblem(403, "Only an OWNER can grant, change or remove the OWNER role");
    }

    static async Task RequireAnotherOwnerAsync(IDocumentSession session, string organizationId, string userId, CancellationToken ct)
    {
        if (!await session.Query<OrganizationMembership>().AnyAsync(m => m.OrganizationId == organizationId && m.Role == Role.Owner && m.UserId != userId, ct))
            throw new ApiProblem(400, "An organization needs at least one OWNER: make someone else OWNER first");
    }

    /// <summary>Loads the organization and stores it again: its version makes concurrent membership changes conflict.</summary>
    static async Task<Organization> TouchAsync(IDocumentSession session, string organizationId, CancellationToken ct)
    {
        var organization = await session.LoadAsync<Organization>(organizationId, ct) ?? throw new ApiProblem(404, $"Organization {organizationId} not found");
        organization.UpdatedAt = DateTimeOffset.UtcNow;
        session.Store(organization);
        return organization;
    }

    static async Task SaveAsync(IDocumentSession session, CancellationToken ct)
    {
        try { await session.SaveChangesAsync(ct); }
        catch (Exception e) when (e is JasperFx.ConcurrencyException || e.GetBaseException() is JasperFx.ConcurrencyException)
        {
            throw new ApiProblem(409, "The organization's members changed at the same time; reload and try again");
        }
    }

    InvitationView View(Invitation i) =>
        new(i.Id, i.Email, i.Role, i.ProjectId, i.ProjectRole, i.CreatedAt, i.ExpiresAt, InvitationLink(i.Id));

    string InvitationLink(string id) =>
        $"{(settings.Identity.PublicUrl?.ToString().TrimEnd('/') ?? "")}/auth/invitation/{id}";
}
