using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.ListMembers;

/// <summary>
/// GET /api/app/organizations/{organizationId}/members: members with their roles (MEMBER and above); pending
/// invitations with their links only for those who manage members (OWNER, ADMIN).
/// </summary>
sealed class Endpoint(Access access, Memberships memberships) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("organizations/{organizationId}/members");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var grant = await access.OrganizationAsync(HttpContext.UserId(), r.OrganizationId, Permission.MembersRead, ct);
        var members = await memberships.ListAsync(r.OrganizationId, ct);
        var invitations = RoleTable.Allows(grant.Role, Permission.MembersManage) ? await memberships.PendingInvitationsAsync(r.OrganizationId, ct) : [];
        await Send.OkAsync(new Response(members.Select(MemberItem.Of).ToList(), invitations.Select(InvitationItem.Of).ToList()), ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
}

public sealed record Response(IReadOnlyList<MemberItem> Members, IReadOnlyList<InvitationItem> Invitations);
