using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.DeleteApiKey;

/// <summary>DELETE /api/public/projects/{projectId}/apiKeys/{apiKeyId} (organization key): {success: true}; effective everywhere at once.</summary>
sealed class Endpoint(ApiKeys keys, IQuerySession session) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Delete("projects/{projectId}/apiKeys/{apiKeyId}");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var (project, _) = await AdminProjects.LoadAsync(session, key.OrganizationId, r.ProjectId, ct);
        await keys.DeleteAsync(Actor.ApiKey(key.ApiKeyId), key.OrganizationId, project.Id, r.ApiKeyId, ct);
        await Send.OkAsync(new Response(true), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string ApiKeyId { get; init; } = "";
}

public sealed record Response(bool Success);
