using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Projects;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.CreateOrganizationApiKey;

/// <summary>POST /api/app/organizations/{organizationId}/api-keys: OWNER only (the key acts with an owner's power); the secret is shown once.</summary>
sealed class Endpoint(Access access, ApiKeys keys) : Endpoint<Request, CreatedApiKey>
{
    public override void Configure()
    {
        Post("organizations/{organizationId}/api-keys");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        await access.OrganizationAsync(me, r.OrganizationId, Permission.OrganizationKeysManage, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.ResponseAsync(await keys.CreateAsync(Actor.User(me), r.OrganizationId, null, r.Note, null, null, ct), 201, ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    public string? Note { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Note).MaximumLength(1000);
    }
}
