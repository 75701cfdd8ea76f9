using FastEndpoints;
using Langfuse.Features.Projects;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.Organizations.AdminApi.GetOrganizationProjects;

/// <summary>GET /api/public/organizations/projects (organization key): {projects: [{id, name, metadata, createdAt, updatedAt}]}.</summary>
sealed class Endpoint(ProjectAdmin projects) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("organizations/projects");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var list = await projects.ListAsync(HttpContext.OrganizationKey().OrganizationId, ct);
        await Send.OkAsync(new Response(list.Select(p => new OrganizationProject(p.Id, p.Name, p.Metadata, p.CreatedAt, p.UpdatedAt)).ToList()), ct);
    }
}

public sealed record OrganizationProject(string Id, string Name, Dictionary<string, object?> Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
public sealed record Response(IReadOnlyList<OrganizationProject> Projects);
