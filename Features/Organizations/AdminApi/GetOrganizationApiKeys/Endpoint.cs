using FastEndpoints;
using Langfuse.Features.Projects;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.Organizations.AdminApi.GetOrganizationApiKeys;

/// <summary>GET /api/public/organizations/apiKeys (organization key): the organization's own keys, secrets masked.</summary>
sealed class Endpoint(ApiKeys keys) : EndpointWithoutRequest<ApiKeyListResponse>
{
    public override void Configure()
    {
        Get("organizations/apiKeys");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Send.OkAsync(new ApiKeyListResponse(await keys.ListAsync(HttpContext.OrganizationKey().OrganizationId, null, ct)), ct);
}
