using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.CreateProject;

/// <summary>POST /api/public/projects (organization key): {name, metadata?, retention (0 or ≥ 3 days)} → Project.</summary>
sealed class Endpoint(ProjectAdmin projects, IQuerySession session) : Endpoint<Request, PublicProject>
{
    public override void Configure()
    {
        Post("projects");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var project = await projects.CreateAsync(Actor.ApiKey(key.ApiKeyId), key.OrganizationId, r.Name, r.Metadata, r.Retention, ct);
        var organization = await session.LoadAsync<Organizations.Organization>(key.OrganizationId, ct);
        await Send.OkAsync(PublicProject.Of(project, organization!), ct);
    }
}

public sealed record Request
{
    public string Name { get; init; } = "";
    public Dictionary<string, object?>? Metadata { get; init; }
    public int? Retention { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).Must(ProjectNames.Valid).WithMessage(ProjectNames.Rule);
            RuleFor(r => r.Retention).NotNull().WithMessage("retention is required (0 for none)")
                .Must(d => d is 0 or >= 3).WithMessage("retention must be 0 or at least 3 days");
        }
    }
}
