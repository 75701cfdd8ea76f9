using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.UpdateMemberRole;

/// <summary>
/// PUT /api/app/organizations/{organizationId}/members/{userId}: OWNER or ADMIN; never one's own role; only an OWNER
/// touches the OWNER role; the last OWNER stays.
/// </summary>
sealed class Endpoint(Access access, Memberships memberships) : Endpoint<Request, MemberItem>
{
    public override void Configure()
    {
        Put("organizations/{organizationId}/members/{userId}");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.OrganizationAsync(me, r.OrganizationId, Permission.MembersManage, ct);
        var member = await memberships.SetRoleAsync(new Requester(Actor.User(me), grant.Role, me), r.OrganizationId, r.UserId, RoleRules.Parse(r.Role), createIfMissing: false, ct);
        await Send.OkAsync(MemberItem.Of(member), ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Role { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Role).Must(RoleRules.IsRole).WithMessage(RoleRules.OrganizationRoles);
    }
}
