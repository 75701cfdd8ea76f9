using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.GetApiKeys;

/// <summary>GET /api/public/projects/{projectId}/apiKeys (organization key): {apiKeys: ApiKeySummary[]}, secrets masked.</summary>
sealed class Endpoint(ApiKeys keys, IQuerySession session) : Endpoint<Request, ApiKeyListResponse>
{
    public override void Configure()
    {
        Get("projects/{projectId}/apiKeys");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var (project, _) = await AdminProjects.LoadAsync(session, key.OrganizationId, r.ProjectId, ct);
        await Send.OkAsync(new ApiKeyListResponse(await keys.ListAsync(key.OrganizationId, project.Id, ct)), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
}
