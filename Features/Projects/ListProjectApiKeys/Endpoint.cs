using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.ListProjectApiKeys;

/// <summary>GET /api/app/projects/{projectId}/api-keys: OWNER or ADMIN; secrets masked (sk-lf-...abcd), with note and last use.</summary>
sealed class Endpoint(Access access, ApiKeys keys) : Endpoint<Request, ApiKeyListResponse>
{
    public override void Configure()
    {
        Get("projects/{projectId}/api-keys");
        Group<WebApp>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var grant = await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectKeysRead, ct);
        await Send.OkAsync(new ApiKeyListResponse(await keys.ListAsync(grant.Project.OrganizationId, grant.Project.Id, ct)), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
}
