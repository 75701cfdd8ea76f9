using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Organizations;

/// <summary>Pending invitations: turned into memberships when their email signs up or signs in, or through their link.</summary>
public sealed class Invitations
{
    public async Task<bool> AnyPendingAsync(IQuerySession session, string email, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        return await session.Query<Invitation>().AnyAsync(i => i.Email == email && i.ExpiresAt > now, ct);
    }

    /// <summary>Adds the memberships of every unexpired invitation for the email to the session (saved by the caller).</summary>
    public async Task AcceptPendingAsync(IDocumentSession session, string userId, string email, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var invitation in await session.Query<Invitation>().Where(i => i.Email == email && i.ExpiresAt > now).ToListAsync(ct))
            await AcceptAsync(session, invitation, userId, ct);
    }

    /// <summary>Accepts one invitation by its link, for the signed-in user whose email it was sent to.</summary>
    public async Task<string> AcceptByIdAsync(IDocumentSession session, string invitationId, string userId, string email, CancellationToken ct)
    {
        var invitation = await session.LoadAsync<Invitation>(invitationId, ct) ?? throw new ApiProblem(404, "Invitation not found: it was revoked, already accepted, or never existed");
        if (invitation.ExpiresAt <= DateTimeOffset.UtcNow) throw new ApiProblem(410, "This invitation has expired: ask for a new one");
        if (invitation.Email != email) throw new ApiProblem(403, "This invitation was sent to another email address");
        await AcceptAsync(session, invitation, userId, ct);
        return invitation.OrganizationId;
    }

    static async Task AcceptAsync(IDocumentSession session, Invitation invitation, string userId, CancellationToken ct)
    {
        var existing = await session.LoadAsync<OrganizationMembership>(OrganizationMembership.IdOf(invitation.OrganizationId, userId), ct);
        if (existing is null)
            session.Store(new OrganizationMembership
            {
                Id = OrganizationMembership.IdOf(invitation.OrganizationId, userId), OrganizationId = invitation.OrganizationId,
                UserId = userId, Role = invitation.Role, CreatedAt = DateTimeOffset.UtcNow,
            });
        if (invitation.ProjectId is { } projectId && invitation.ProjectRole is { } projectRole)
            session.Store(new ProjectMembership
            {
                Id = ProjectMembership.IdOf(projectId, userId), ProjectId = projectId, OrganizationId = invitation.OrganizationId,
                UserId = userId, Role = projectRole, CreatedAt = DateTimeOffset.UtcNow,
            });
        session.Delete(invitation);
        session.Record(Actor.User(userId), invitation.OrganizationId, invitation.ProjectId, "invitation", invitation.Id, "accept",
            after: new { role = invitation.Role.Text(), projectRole = invitation.ProjectRole?.Text() });
    }
}
