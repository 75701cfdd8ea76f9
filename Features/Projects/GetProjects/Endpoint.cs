using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.GetProjects;

/// <summary>GET /api/public/projects: the key's own project. SDKs call it as their auth check.</summary>
sealed class Endpoint(IQuerySession session) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/api/public/projects");
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var scope = HttpContext.Project();
        var project = await session.LoadAsync<Project>(scope.ProjectId, ct);
        var org = await session.LoadAsync<Organization>(scope.OrganizationId, ct);
        await Send.OkAsync(new Response(project is null || org is null || project.DeletedAt is not null ? [] : [PublicProject.Of(project, org)]), ct);
    }
}

public sealed record Response(IReadOnlyList<PublicProject> Data);
