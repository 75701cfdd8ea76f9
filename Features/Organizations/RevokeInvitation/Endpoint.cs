using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.RevokeInvitation;

/// <summary>DELETE /api/app/organizations/{organizationId}/invitations/{invitationId}: OWNER or ADMIN; its link stops working.</summary>
sealed class Endpoint(Access access, Memberships memberships) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("organizations/{organizationId}/invitations/{invitationId}");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations").Produces(204));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.OrganizationAsync(me, r.OrganizationId, Permission.MembersManage, ct);
        await memberships.RevokeInvitationAsync(new Requester(Actor.User(me), grant.Role, me), r.OrganizationId, r.InvitationId, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    public string InvitationId { get; init; } = "";
}
