using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.RenameProject;

/// <summary>PATCH /api/app/projects/{projectId}: OWNER or ADMIN in the project.</summary>
sealed class Endpoint(Access access, ProjectAdmin projects) : Endpoint<Request, ProjectItem>
{
    public override void Configure()
    {
        Patch("projects/{projectId}");
        Group<WebApp>();
        Description(d => d.WithTags("Projects").Produces(409));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.ProjectAsync(me, r.ProjectId, Permission.ProjectUpdate, ct);
        await Send.OkAsync(ProjectItem.Of(await projects.UpdateAsync(Actor.User(me), grant.Project, r.Name, null, null, ct)), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Name).Must(ProjectNames.Valid).WithMessage(ProjectNames.Rule);
    }
}
