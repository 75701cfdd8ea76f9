using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.UpdateProject;

/// <summary>PUT /api/public/projects/{projectId} (organization key): name, and metadata and retention when given.</summary>
sealed class Endpoint(ProjectAdmin projects, IQuerySession session) : Endpoint<Request, PublicProject>
{
    public override void Configure()
    {
        Put("projects/{projectId}");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var (project, organization) = await AdminProjects.LoadAsync(session, key.OrganizationId, r.ProjectId, ct);
        project = await projects.UpdateAsync(Actor.ApiKey(key.ApiKeyId), project, r.Name, r.Metadata, r.Retention, ct);
        await Send.OkAsync(PublicProject.Of(project, organization), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string Name { get; init; } = "";
    public Dictionary<string, object?>? Metadata { get; init; }
    public int? Retention { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).Must(ProjectNames.Valid).WithMessage(ProjectNames.Rule);
            RuleFor(r => r.Retention).Must(d => d is null or 0 or >= 3).WithMessage("retention must be 0 or at least 3 days");
        }
    }
}
