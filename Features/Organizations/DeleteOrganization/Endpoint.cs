using FastEndpoints;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.DeleteOrganization;

/// <summary>DELETE /api/app/organizations/{organizationId}: OWNER only, and only once its projects are deleted (409 before).</summary>
sealed class Endpoint(Access access, OrganizationAdmin organizations) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("organizations/{organizationId}");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations").Produces(204).Produces(409));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var userId = HttpContext.UserId();
        await access.OrganizationAsync(userId, r.OrganizationId, Permission.OrganizationDelete, ct);
        await organizations.DeleteAsync(Actor.User(userId), r.OrganizationId, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
}
