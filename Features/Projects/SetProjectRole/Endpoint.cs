using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.SetProjectRole;

/// <summary>
/// PUT /api/app/projects/{projectId}/members/{userId}: OWNER or ADMIN in the project set an organization member's
/// role in it (it overrides their organization role there; NONE hides the project from them).
/// </summary>
sealed class Endpoint(Access access, Memberships memberships) : Endpoint<Request, MemberItem>
{
    public override void Configure()
    {
        Put("projects/{projectId}/members/{userId}");
        Group<WebApp>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.ProjectAsync(me, r.ProjectId, Permission.ProjectMembersManage, ct);
        var member = await memberships.SetProjectRoleAsync(new Requester(Actor.User(me), grant.Role, me), grant.Project, r.UserId, RoleRules.Parse(r.Role), ct);
        await Send.OkAsync(MemberItem.Of(member), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Role { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Role).Must(RoleRules.IsRole).WithMessage(RoleRules.OrganizationRoles);
    }
}
