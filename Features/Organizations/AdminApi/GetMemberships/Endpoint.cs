using FastEndpoints;
using Langfuse.Features.Projects.AdminApi;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.Organizations.AdminApi.GetMemberships;

/// <summary>GET /api/public/organizations/memberships (organization key): {memberships: [{userId, role, email, name}]}.</summary>
sealed class Endpoint(Memberships memberships) : EndpointWithoutRequest<MembershipsResponse>
{
    public override void Configure()
    {
        Get("organizations/memberships");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var members = await memberships.ListAsync(HttpContext.OrganizationKey().OrganizationId, ct);
        await Send.OkAsync(new MembershipsResponse(members.Select(m => MembershipResponse.Of(m)).ToList()), ct);
    }
}
