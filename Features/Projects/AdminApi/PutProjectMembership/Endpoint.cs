using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.PutProjectMembership;

/// <summary>PUT /api/public/projects/{projectId}/memberships (organization key): {userId, role}; the user must be an organization member.</summary>
sealed class Endpoint(Memberships memberships, IQuerySession session) : Endpoint<Request, MembershipResponse>
{
    public override void Configure()
    {
        Put("projects/{projectId}/memberships");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var (project, _) = await AdminProjects.LoadAsync(session, key.OrganizationId, r.ProjectId, ct);
        var member = await memberships.SetProjectRoleAsync(Requester.OrganizationKey(key.ApiKeyId), project, r.UserId, RoleRules.Parse(r.Role), ct);
        await Send.OkAsync(MembershipResponse.Of(member, projectRole: true), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Role { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.UserId).NotEmpty();
            RuleFor(r => r.Role).Must(AdminRoles.IsRole).WithMessage(AdminRoles.Rule);
        }
    }
}
