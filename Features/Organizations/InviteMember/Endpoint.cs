using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.InviteMember;

/// <summary>
/// POST /api/app/organizations/{organizationId}/members: OWNER or ADMIN (only an OWNER invites an OWNER). A user with
/// an account becomes a member at once (member in the answer); anyone else is invited (invitation, with the link to
/// pass on: no mail is sent).
/// </summary>
sealed class Endpoint(Access access, Memberships memberships) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("organizations/{organizationId}/members");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations").Produces(409));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var userId = HttpContext.UserId();
        var grant = await access.OrganizationAsync(userId, r.OrganizationId, Permission.MembersManage, ct);
        var result = await memberships.InviteAsync(new Requester(Actor.User(userId), grant.Role, userId), r.OrganizationId, r.Email,
            RoleRules.Parse(r.Role), r.ProjectId, r.ProjectRole is null ? null : RoleRules.Parse(r.ProjectRole), ct);
        await Send.ResponseAsync(new Response(result.Member is null ? null : MemberItem.Of(result.Member),
            result.Invitation is null ? null : InvitationItem.Of(result.Invitation)), 201, ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    public string Email { get; init; } = "";
    public string Role { get; init; } = "";
    public string? ProjectId { get; init; }
    public string? ProjectRole { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(320).EmailAddress();
            RuleFor(r => r.Role).Must(RoleRules.IsRole).WithMessage(RoleRules.OrganizationRoles);
            RuleFor(r => r.ProjectRole).Must(RoleRules.IsRole).When(r => r.ProjectRole is not null).WithMessage("projectRole must be one of OWNER, ADMIN, MEMBER, VIEWER, NONE");
            RuleFor(r => r.ProjectId).NotEmpty().When(r => r.ProjectRole is not null).WithMessage("projectRole needs projectId");
        }
    }
}

public sealed record Response(MemberItem? Member, InvitationItem? Invitation);
