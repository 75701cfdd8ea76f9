using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Projects.CreateProjectApiKey;

/// <summary>POST /api/app/projects/{projectId}/api-keys: OWNER or ADMIN. The secret is in this answer and nowhere else, ever.</summary>
sealed class Endpoint(Access access, ApiKeys keys) : Endpoint<Request, CreatedApiKey>
{
    public override void Configure()
    {
        Post("projects/{projectId}/api-keys");
        Group<WebApp>();
        Description(d => d.WithTags("Projects"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.ProjectAsync(me, r.ProjectId, Permission.ProjectKeysManage, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.ResponseAsync(await keys.CreateAsync(Actor.User(me), grant.Project.OrganizationId, grant.Project.Id, r.Note, null, null, ct), 201, ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string? Note { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Note).MaximumLength(1000);
    }
}
