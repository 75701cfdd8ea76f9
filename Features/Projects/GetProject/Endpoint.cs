using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.GetProject;

/// <summary>GET /api/app/projects/{projectId}: the project and the caller's role in it (VIEWER and above; 404 for anyone else).</summary>
sealed class Endpoint(Access access) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("projects/{projectId}");
        Group<WebApp>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var grant = await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct);
        await Send.OkAsync(new Response(ProjectItem.Of(grant.Project), grant.Role.Text()), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
}

public sealed record Response(ProjectItem Project, string Role);
