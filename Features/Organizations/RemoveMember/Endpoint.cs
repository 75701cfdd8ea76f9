using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.RemoveMember;

/// <summary>
/// DELETE /api/app/organizations/{organizationId}/members/{userId}: OWNER or ADMIN remove others (an OWNER only by an
/// OWNER); any member may remove themselves (leave); the last OWNER stays.
/// </summary>
sealed class Endpoint(Access access, Memberships memberships) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("organizations/{organizationId}/members/{userId}");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations").Produces(204));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.OrganizationAsync(me, r.OrganizationId, me == r.UserId ? Permission.OrganizationRead : Permission.MembersManage, ct);
        await memberships.RemoveAsync(new Requester(Actor.User(me), grant.Role, me), r.OrganizationId, r.UserId, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    public string UserId { get; init; } = "";
}
