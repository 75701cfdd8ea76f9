using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.BrowseSessions;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.GetSessionUsage;

/// <summary>
/// GET /api/app/projects/{projectId}/sessions/usage?sessionIds=a&amp;sessionIds=b: each session's duration (first trace
/// to the last end of any of its observations) and total cost (VIEWER and above), the sessions page's second call.
/// </summary>
sealed class Endpoint(Access access, ClickHouseGateway clickHouse) : Endpoint<Request, Response>
{
    sealed record Figures(string TraceId, long EndTime, double TotalCost);

    public override void Configure()
    {
        Get("projects/{projectId}/sessions/usage");
        Group<WebApp>();
        Description(d => d.WithTags("Sessions"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct)).Project.Id;
        var ids = r.SessionIds.Distinct().ToList();
        var stats = (await SessionTraces.StatsAsync(clickHouse, project, ids, ct)).ToDictionary(s => s.SessionId);
        // The figures the worker keeps per trace, read by key for the sessions' traces.
        var traceIds = stats.Values.SelectMany(s => s.TraceIds).ToList();
        var figures = new Dictionary<string, Figures>();
        foreach (var chunk in Sql.Chunks(traceIds, id => id.Length))
            foreach (var f in await clickHouse.QueryAsync<Figures>(Sql.Of(
                $"SELECT trace_id, end_time, total_cost FROM {TraceFigures.Latest(project, Sql.Of($"trace_id IN {Sql.InList(chunk)}"))}"), ct))
                figures[f.TraceId] = f;
        await Send.OkAsync(new Response(ids.Select(id =>
        {
            if (!stats.TryGetValue(id, out var st)) return new SessionUsage(id, 0, 0);
            var children = st.TraceIds.Where(figures.ContainsKey).Select(t => figures[t]).ToList();
            var end = Math.Max(st.Last, children.Count == 0 ? st.Last : children.Max(c => c.EndTime));
            return new SessionUsage(id, (end - st.First) / 1000.0, children.Sum(c => c.TotalCost));
        }).ToList()), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    /// <summary>The sessions to measure, as repeated parameters (a page's worth: at most 100).</summary>
    [QueryParam] public List<string> SessionIds { get; init; } = [];

    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPageIdsRules(r => r.SessionIds);
    }
}

/// <param name="Duration">Seconds from the session's first trace to the last end of anything in it.</param>
public sealed record SessionUsage(string SessionId, double Duration, double TotalCost);
public sealed record Response(IReadOnlyList<SessionUsage> Data);
