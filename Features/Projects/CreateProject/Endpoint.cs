using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.CreateProject;

/// <summary>POST /api/app/organizations/{organizationId}/projects: OWNER or ADMIN of the organization; names are unique in it.</summary>
sealed class Endpoint(Access access, ProjectAdmin projects) : Endpoint<Request, ProjectItem>
{
    public override void Configure()
    {
        Post("organizations/{organizationId}/projects");
        Group<WebApp>();
        Description(d => d.WithTags("Projects").Produces(409));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        await access.OrganizationAsync(me, r.OrganizationId, Permission.ProjectCreate, ct);
        await Send.ResponseAsync(ProjectItem.Of(await projects.CreateAsync(Actor.User(me), r.OrganizationId, r.Name, null, null, ct)), 201, ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Name).Must(ProjectNames.Valid).WithMessage(ProjectNames.Rule);
    }
}
