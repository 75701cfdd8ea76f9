using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.AuditLog.ListAuditLogs;

/// <summary>GET /api/app/organizations/{organizationId}/audit-logs?page&amp;limit&amp;projectId: OWNER and ADMIN.</summary>
sealed class Endpoint(Access access, AuditLogReads reads) : Endpoint<Request, AuditLogPage>
{
    public override void Configure()
    {
        Get("organizations/{organizationId}/audit-logs");
        Group<WebApp>();
        Description(d => d.WithTags("Audit log"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        await access.OrganizationAsync(HttpContext.UserId(), r.OrganizationId, Permission.AuditLogRead, ct);
        await Send.OkAsync(await reads.PageAsync(r.OrganizationId, r.ProjectId, r.Page, r.Limit, ct), ct);
    }
}

public sealed record Request
{
    public string OrganizationId { get; init; } = "";
    [QueryParam] public int Page { get; init; } = 1;
    [QueryParam] public int Limit { get; init; } = 50;
    [QueryParam] public string? ProjectId { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Page).GreaterThanOrEqualTo(1);
            RuleFor(r => r.Limit).InclusiveBetween(1, 100);
        }
    }
}
