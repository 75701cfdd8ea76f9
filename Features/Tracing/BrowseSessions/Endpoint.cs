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
/// page of session ids, then for those sessions their traces' count and users. Duration and cost need every
/// observation of those traces and come from a second call (<see cref="GetSessionUsage"/>), which the page fills in
/// after showing the list.
/// </summary>
sealed class Endpoint(Access access, TraceListReads reads, ClickHouseGateway clickHouse) : Endpoint<Request, Response>
{
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
        var stats = ids.Count == 0 ? [] : await SessionTraces.StatsAsync(clickHouse, project, ids, ct);
        var bySession = stats.ToDictionary(s => s.SessionId);
        var items = rows.Select(s => bySession.TryGetValue(s.Id, out var st)
            ? new SessionItem(s.Id, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt), (long)st.Traces, st.Users)
            : new SessionItem(s.Id, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt), 0, [])).ToList();
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

public sealed record SessionItem(string Id, DateTimeOffset CreatedAt, long TraceCount, string[] Users);

/// <summary>The latest rows of the given sessions' traces, per session: count, time span, users and trace ids.</summary>
public static class SessionTraces
{
    public sealed record Stats(string SessionId, ulong Traces, long First, long Last, string[] Users, string[] TraceIds);

    public static Task<List<Stats>> StatsAsync(ClickHouseGateway clickHouse, string project, IReadOnlyCollection<string> sessionIds, CancellationToken ct) =>
        clickHouse.QueryAsync<Stats>(Sql.Of($"""
            SELECT session_id, count() AS traces, min(timestamp) AS first, max(timestamp) AS last,
                   arrayFilter(u -> u != '', groupUniqArray(ifNull(user_id, ''))) AS users, groupArray(id) AS trace_ids
            FROM (SELECT id, session_id, timestamp, user_id, is_deleted FROM traces
                  PREWHERE project_id = {project} AND id IN (SELECT id FROM traces WHERE project_id = {project} AND session_id IN {Sql.InList(sessionIds)})
                  ORDER BY fold_version DESC LIMIT 1 BY id)
            WHERE is_deleted = 0 AND session_id IN {Sql.InList(sessionIds)}
            GROUP BY session_id
            """), ct);
}
public sealed record Response(IReadOnlyList<SessionItem> Data, BrowseTraces.PageMeta Meta);
