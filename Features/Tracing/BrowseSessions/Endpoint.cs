using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.ListTraces;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.BrowseSessions;

/// <summary>
/// GET /api/app/projects/{projectId}/sessions: the sessions page (VIEWER and above), newest first: the public list's
/// page of session ids, then for those sessions their traces' count, time span, users and cost in two queries.
/// </summary>
sealed class Endpoint(Access access, TraceListReads reads, ClickHouseGateway clickHouse) : Endpoint<Request, Response>
{
    sealed record Stats(string SessionId, ulong Traces, long First, long Last, string[] Users, string[] TraceIds);

    public override void Configure()
    {
        Get("projects/{projectId}/sessions");
        Group<WebApp>();
        Description(d => d.WithTags("Sessions"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct)).Project.Id;
        var (rows, total) = await reads.SessionsAsync(project, r.Page, r.Limit, null, null, [], ct);
        var ids = rows.Select(s => s.Id).ToList();
        var stats = ids.Count == 0 ? [] : await clickHouse.QueryAsync<Stats>(Sql.Of($"""
            SELECT session_id, count() AS traces, min(timestamp) AS first, max(timestamp) AS last,
                   arrayFilter(u -> u != '', groupUniqArray(ifNull(user_id, ''))) AS users, groupArray(id) AS trace_ids
            FROM (SELECT id, session_id, timestamp, user_id, is_deleted FROM traces
                  PREWHERE project_id = {project} AND id IN (SELECT id FROM traces WHERE project_id = {project} AND session_id IN {Sql.InList(ids)})
                  ORDER BY fold_version DESC LIMIT 1 BY id)
            WHERE is_deleted = 0 AND session_id IN {Sql.InList(ids)}
            GROUP BY session_id
            """), ct);
        var (observations, _) = await reads.ChildrenAsync(project, stats.SelectMany(s => s.TraceIds).ToList(), ct);
        var bySession = stats.ToDictionary(s => s.SessionId);
        var items = rows.Select(s =>
        {
            if (!bySession.TryGetValue(s.Id, out var st)) return new SessionItem(s.Id, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt), 0, 0, [], 0);
            var children = st.TraceIds.SelectMany(t => observations[t]).ToList();
            var end = Math.Max(st.Last, children.Count == 0 ? st.Last : children.Max(c => c.EndTime ?? c.StartTime));
            return new SessionItem(s.Id, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt), (long)st.Traces, (end - st.First) / 1000.0, st.Users,
                children.Sum(c => c.TotalCost ?? 0));
        }).ToList();
        await Send.OkAsync(new Response(items, new BrowseTraces.PageMeta(r.Page, r.Limit, (long)total, (long)Math.Ceiling(total / (double)r.Limit))), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    [QueryParam] public int Page { get; init; } = 1;
    [QueryParam] public int Limit { get; init; } = 50;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Page).InclusiveBetween(1, 100_000);
            RuleFor(r => r.Limit).InclusiveBetween(1, 100);
        }
    }
}

public sealed record SessionItem(string Id, DateTimeOffset CreatedAt, long TraceCount, double Duration, string[] Users, double TotalCost);
public sealed record Response(IReadOnlyList<SessionItem> Data, BrowseTraces.PageMeta Meta);
