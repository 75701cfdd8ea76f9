using Marten;

namespace Langfuse.Features.AuditLog;

public sealed record AuditLogItem(string Id, DateTimeOffset CreatedAt, string OrganizationId, string? ProjectId, string ActorType, string ActorId,
    string ResourceType, string ResourceId, string Action, string? Before, string? After);

public sealed record AuditLogPage(IReadOnlyList<AuditLogItem> Data, PageMeta Meta);
public sealed record PageMeta(int Page, int Limit, int TotalItems, int TotalPages);

/// <summary>An organization's audit log, newest first, optionally one project's entries only.</summary>
public sealed class AuditLogReads(IQuerySession session)
{
    public async Task<AuditLogPage> PageAsync(string organizationId, string? projectId, int page, int limit, CancellationToken ct)
    {
        var query = session.Query<AuditLogEntry>().Where(e => e.OrganizationId == organizationId);
        if (projectId is not null) query = query.Where(e => e.ProjectId == projectId);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Skip((page - 1) * limit).Take(limit).ToListAsync(ct);
        return new AuditLogPage(
            rows.Select(e => new AuditLogItem(e.Id, e.CreatedAt, e.OrganizationId, e.ProjectId, e.ActorType, e.ActorId, e.ResourceType, e.ResourceId, e.Action, e.Before, e.After)).ToList(),
            new PageMeta(page, limit, total, (total + limit - 1) / limit));
    }
}
