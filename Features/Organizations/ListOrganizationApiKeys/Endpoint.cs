using FastEndpoints;
using Langfuse.Features.Projects;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.ListOrganizationApiKeys;

/// <summary>GET /api/app/organizations/{organizationId}/api-keys: the administration API's keys; OWNER only.</summary>
sealed class Endpoint(Access access, ApiKeys keys) : Endpoint<Request, ApiKeyListResponse>
{
    public override void Configure()
    {
        Get("organizations/{organizationId}/api-keys");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        await access.OrganizationAsync(HttpContext.UserId(), r.OrganizationId, Permission.OrganizationKeysRead, ct);
        await Send.OkAsync(new ApiKeyListResponse(await keys.ListAsync(r.OrganizationId, null, ct)), ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
}
