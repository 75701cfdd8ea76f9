using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.DeleteProjectMembership;

/// <summary>DELETE /api/public/projects/{projectId}/memberships (organization key): {userId}; their organization role applies again.</summary>
sealed class Endpoint(Memberships memberships, IQuerySession session) : Endpoint<Request, MembershipDeletionResponse>
{
    public override void Configure()
    {
        Delete("projects/{projectId}/memberships");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var (project, _) = await AdminProjects.LoadAsync(session, key.OrganizationId, r.ProjectId, ct);
        await memberships.SetProjectRoleAsync(Requester.OrganizationKey(key.ApiKeyId), project, r.UserId, null, ct);
        await Send.OkAsync(new MembershipDeletionResponse("Membership deleted successfully", r.UserId), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string UserId { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.UserId).NotEmpty();
    }
}
