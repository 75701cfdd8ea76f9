using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.AuditLog.AdminApi.GetAuditLogs;

/// <summary>
/// GET /api/public/organizations/auditLogs?page&amp;limit&amp;projectId: the key's organization's audit log (an
/// addition: Langfuse keeps audit logs for its paid plans and has no API for them).
/// </summary>
sealed class Endpoint(AuditLogReads reads) : Endpoint<Request, AuditLogPage>
{
    public override void Configure()
    {
        Get("organizations/auditLogs");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.OkAsync(await reads.PageAsync(HttpContext.OrganizationKey().OrganizationId, r.ProjectId, r.Page, r.Limit, ct), ct);
}

public sealed record Request
{
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
