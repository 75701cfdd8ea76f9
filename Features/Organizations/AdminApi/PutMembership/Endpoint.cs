using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Projects.AdminApi;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.Organizations.AdminApi.PutMembership;

/// <summary>
/// PUT /api/public/organizations/memberships (organization key): {userId, role} creates or updates the membership of
/// an existing user; the organization keeps at least one OWNER.
/// </summary>
sealed class Endpoint(Memberships memberships) : Endpoint<Request, MembershipResponse>
{
    public override void Configure()
    {
        Put("organizations/memberships");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var member = await memberships.SetRoleAsync(Requester.OrganizationKey(key.ApiKeyId), key.OrganizationId, r.UserId, RoleRules.Parse(r.Role), createIfMissing: true, ct);
        await Send.OkAsync(MembershipResponse.Of(member), ct);
    }
}

public sealed record Request
{
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
