using FastEndpoints;
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
        if (project is null || org is null)
        {
            await Send.OkAsync(new Response([]), ct);
            return;
        }
        await Send.OkAsync(new Response([
            new ProjectItem(project.Id, project.Name, new OrganizationItem(org.Id, org.Name), project.Metadata, project.RetentionDays),
        ]), ct);
    }
}

sealed record Response(IReadOnlyList<ProjectItem> Data);
sealed record ProjectItem(string Id, string Name, OrganizationItem Organization, Dictionary<string, object?> Metadata,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? RetentionDays);
sealed record OrganizationItem(string Id, string Name);
