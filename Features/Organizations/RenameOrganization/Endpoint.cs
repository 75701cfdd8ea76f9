using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.RenameOrganization;

/// <summary>PATCH /api/app/organizations/{organizationId}: OWNER or ADMIN.</summary>
sealed class Endpoint(Access access, OrganizationAdmin organizations) : Endpoint<Request, OrganizationItem>
{
    public override void Configure()
    {
        Patch("organizations/{organizationId}");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var userId = HttpContext.UserId();
        await access.OrganizationAsync(userId, r.OrganizationId, Permission.OrganizationUpdate, ct);
        await Send.OkAsync(OrganizationItem.Of(await organizations.RenameAsync(Actor.User(userId), r.OrganizationId, r.Name, ct)), ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(OrganizationAdmin.MaxNameLength).Must(n => n.Trim().Length > 0);
    }
}
