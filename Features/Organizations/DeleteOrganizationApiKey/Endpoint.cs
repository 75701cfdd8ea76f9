using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Projects;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.DeleteOrganizationApiKey;

/// <summary>DELETE /api/app/organizations/{organizationId}/api-keys/{apiKeyId}: OWNER only; effective on every instance at once.</summary>
sealed class Endpoint(Access access, ApiKeys keys) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("organizations/{organizationId}/api-keys/{apiKeyId}");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations").Produces(204));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        await access.OrganizationAsync(me, r.OrganizationId, Permission.OrganizationKeysManage, ct);
        await keys.DeleteAsync(Actor.User(me), r.OrganizationId, null, r.ApiKeyId, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    public string ApiKeyId { get; init; } = "";
}
