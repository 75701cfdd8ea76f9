using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.DeleteProject;

/// <summary>DELETE /api/public/projects/{projectId} (organization key): 202, the data erased in the background.</summary>
sealed class Endpoint(ProjectAdmin projects, IQuerySession session) : Endpoint<Request, DeletionResponse>
{
    public override void Configure()
    {
        Delete("projects/{projectId}");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Projects").Produces<DeletionResponse>(202));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var (project, _) = await AdminProjects.LoadAsync(session, key.OrganizationId, r.ProjectId, ct);
        await projects.DeleteAsync(Actor.ApiKey(key.ApiKeyId), project, ct);
        await Send.ResponseAsync(new DeletionResponse(true, "Project deletion has been queued"), 202, ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
}
