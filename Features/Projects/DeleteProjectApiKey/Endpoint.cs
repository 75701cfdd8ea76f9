using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.DeleteProjectApiKey;

/// <summary>DELETE /api/app/projects/{projectId}/api-keys/{apiKeyId}: OWNER or ADMIN; the key stops working on every instance at once.</summary>
sealed class Endpoint(Access access, ApiKeys keys) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("projects/{projectId}/api-keys/{apiKeyId}");
        Group<WebApp>();
        Description(d => d.WithTags("Projects").Produces(204));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.ProjectAsync(me, r.ProjectId, Permission.ProjectKeysManage, ct);
        await keys.DeleteAsync(Actor.User(me), grant.Project.OrganizationId, grant.Project.Id, r.ApiKeyId, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string ApiKeyId { get; init; } = "";
}
