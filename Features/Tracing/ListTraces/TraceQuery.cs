using System.Globalization;
using System.Text.Json.Nodes;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.ListTraces;

/// <summary>Filters of GET /api/public/traces, turned into SQL over the latest row of each trace.</summary>
public sealed record TraceFilter(
    int Page, int Limit, string? UserId, string? Name, string? SessionId, DateTimeOffset? From, DateTimeOffset? To,
    IReadOnlyList<string> Tags, string? Version, string? Release, IReadOnlyList<string> Environments, string OrderColumn, bool Descending)
{
    /// <summary>The JSON filter, when given; it takes precedence over the query-parameter filters, as in Langfuse.</summary>
    public Sql? JsonConditions { get; init; }

    /// <summary>The web app's search box: the exact trace id, or a part of the name, user id or session id (any case).</summary>
    public string? Search { get; init; }

    /// <summary>The web app's filter builder (Langfuse's filter JSON): added to the other conditions, not replacing them.</summary>
    public Sql? AlsoWhere { get; init; }

    /// <summary>
    /// Whether a JSON filter is applied: its aggregate and related-field conditions are <c>IN (subquery)</c> sets, which
    /// a count split by key range would build once per range (see <see cref="LatestRows.CountAsync"/>).
    /// </summary>
    public bool HasJsonFilter => JsonConditions is not null || AlsoWhere is not null;

    /// <summary>The column behind an orderBy field (id, timestamp, name, userId, release, version, public, bookmarked, sessionId).</summary>
    public static string? OrderColumnOf(string field) => OrderColumns.GetValueOrDefault(field);
    public static IEnumerable<string> OrderFields => OrderColumns.Keys;

    static readonly Dictionary<string, string> OrderColumns = new()
    {
        ["id"] = "id", ["timestamp"] = "timestamp", ["name"] = "name", ["userId"] = "user_id", ["release"] = "release",
        ["version"] = "version", ["public"] = "public", ["bookmarked"] = "bookmarked", ["sessionId"] = "session_id",
    };

    /// <summary>The public list's filter from its request (already validated: orderBy names a known field).</summary>
    public static TraceFilter Of(Request r, string projectId)
    {
        var (column, descending) = ("timestamp", true);
        if (r.OrderBy is { Length: > 0 } orderBy)
        {
            var parts = orderBy.Split('.');
            (column, descending) = (OrderColumns[parts[0]], parts[1] == "desc");
        }
        var filter = new TraceFilter(r.Page, r.Limit, r.UserId, r.Name, r.SessionId, r.FromTimestamp, r.ToTimestamp, r.Tags ?? [], r.Version, r.Release,
            r.Environment ?? [], column, descending);
        return r.Filter is { Length: > 0 } json
            ? filter with { JsonConditions = JsonFilter.Parse(json, JsonFilterSchema.Traces(projectId, r.FromTimestamp?.ToUnixTimeMilliseconds())) }
            : filter;
    }

    /// <summary>Whether an orderBy value is &lt;field&gt;.&lt;asc|desc&gt; with a field the list sorts by.</summary>
    public static bool IsOrderBy(string orderBy) => orderBy.Split('.') is [var field, "asc" or "desc"] && OrderColumns.ContainsKey(field);

    public Sql Where()
    {
        if (JsonConditions is { } json) return Sql.Of($"is_deleted = 0 AND {json}");
        var conditions = new List<Sql> { Sql.Trusted("is_deleted = 0") };
        if (UserId is not null) conditions.Add(Sql.Of($"user_id = {UserId}"));
        if (Name is not null) conditions.Add(Sql.Of($"name = {Name}"));
        if (SessionId is not null) conditions.Add(Sql.Of($"session_id = {SessionId}"));
        if (From is { } from) conditions.Add(Sql.Of($"timestamp >= {from.ToUnixTimeMilliseconds()}"));
        if (To is { } to) conditions.Add(Sql.Of($"timestamp < {to.ToUnixTimeMilliseconds()}"));
        if (Tags.Count > 0) conditions.Add(Sql.Of($"hasAll(tags, {Tags})"));
        if (Version is not null) conditions.Add(Sql.Of($"version = {Version}"));
        if (Release is not null) conditions.Add(Sql.Of($"release = {Release}"));
        if (Environments.Count > 0) conditions.Add(Sql.Of($"has({Environments}, environment)"));
        if (AlsoWhere is { } also) conditions.Add(also);
        if (Search is { Length: > 0 } s)
            conditions.Add(Sql.Of($"(id = {s} OR positionCaseInsensitive(ifNull(name, ''), {s}) > 0 OR positionCaseInsensitive(ifNull(user_id, ''), {s}) > 0 OR positionCaseInsensitive(ifNull(session_id, ''), {s}) > 0)"));
        return Sql.Join(" AND ", conditions);
    }

    public Sql OrderBy() => Sql.Trusted($"{OrderColumn} {(Descending ? "DESC" : "ASC")}, id {(Descending ? "DESC" : "ASC")}");
}

/// <summary>Trace lists and sessions: always the latest row of each trace of one project, then the filters.</summary>
public sealed class TraceListReads(ClickHouseGateway clickHouse, LatestRows latestRows, KeyRanges keyRanges)
{
    /// <summary>One page of traces and the total; the total needs every latest row, the page does not, and both run at once.</summary>
    public Task<(List<TraceRow> Rows, ulong Total)> ListAsync(string projectId, TraceFilter filter, CancellationToken ct) =>
        latestRows.PagedAsync<TraceRow>(EntityTable.Traces, projectId, filter.Where(), filter.OrderBy(), filter.Page, filter.Limit, ct,
            newestFirst: filter is { OrderColumn: "timestamp", Descending: true } ? "timestamp" : null, countByKeyRange: !filter.HasJsonFilter);

    sealed record PageId(string Id);

    /// <summary>
    /// One page of traces ordered by a figure of their observations (latency, totalCost, totalTokens; traces without
    /// any count 0), and the total. The figures are those of <see cref="JsonFilterSchema.FiguresOfTraces"/> for traces
    /// from <paramref name="tracesFrom"/> on; the page's rows are then read by primary key.
    /// </summary>
    public async Task<(List<TraceRow> Rows, ulong Total)> ListByFigureAsync(string projectId, TraceFilter filter, string figureName, long? tracesFrom, CancellationToken ct)
    {
        var total = latestRows.CountAsync(EntityTable.Traces, projectId, filter.Where(), ct, byKeyRange: !filter.HasJsonFilter);
        var page = (tracesFrom is null && filter.Descending ? await TopByStoredFigureAsync(projectId, filter, figureName, ct) : null)
            ?? await JoinedPageAsync(projectId, filter, figureName, tracesFrom, ct);
        var rows = (await latestRows.ByIdAsync<TraceRow>(EntityTable.Traces, projectId, page.Select(id => ("", id)), ct)).ToDictionary(r => r.Id);
        return (page.Where(rows.ContainsKey).Select(id => rows[id]).ToList(), await total);
    }

    /// <summary>Every filtered trace joined to its figure, sorted: exact for any order and page, and 1.7–2.6 s over a million traces.</summary>
    async Task<List<string>> JoinedPageAsync(string projectId, TraceFilter filter, string figureName, long? tracesFrom, CancellationToken ct)
    {
        var direction = Sql.Trusted(filter.Descending ? "DESC" : "ASC");
        return (await clickHouse.QueryAsync<PageId>(Sql.Of($"""
            SELECT id FROM (SELECT id FROM traces FINAL WHERE project_id = {projectId} AND {filter.Where()}) AS filtered
            ANY LEFT JOIN {JsonFilterSchema.FiguresOfTraces(projectId, tracesFrom).PerTrace(figureName)} AS figures
            USING id
            ORDER BY figure {direction}, id {direction} LIMIT {(long)(filter.Page - 1) * filter.Limit}, {filter.Limit}
            """), ct)).Select(p => p.Id).ToList();
    }

    sealed record Candidate(string Id, double Figure);

    /// <summary>
    /// The largest figures first, over all time, without joining every trace: the project's top figures are read in
    /// order from the stored figures (0.16 s for a million), and those whose trace passes the filter are kept, reading
    /// more while too few pass. The page is exact when its last figure is above zero: a filtered trace ranking above
    /// it has a figure above zero too, so it is among the candidates, and traces without figures (which count 0) all
    /// rank below it. Otherwise, or for deep pages, null: the joined query answers.
    /// </summary>
    async Task<List<string>?> TopByStoredFigureAsync(string projectId, TraceFilter filter, string figureName, CancellationToken ct)
    {
        var needed = filter.Page * filter.Limit;
        if (needed > MaxTopCandidates) return null;
        var figures = JsonFilterSchema.FiguresOfTraces(projectId, null).PerTrace(figureName);
        for (var fetch = Math.Max(needed * 2, 200); fetch <= MaxTopCandidates * 4; fetch *= 4)
        {
            var candidates = await clickHouse.QueryAsync<Candidate>(Sql.Of(
                $"SELECT id, figure FROM {figures} ORDER BY figure DESC, id DESC LIMIT {fetch}"), ct);
            var passing = new HashSet<string>();
            foreach (var chunk in Sql.Chunks(candidates.Select(c => c.Id), id => id.Length))
                foreach (var row in await clickHouse.QueryAsync<PageId>(Sql.Of(
                    $"SELECT id FROM traces FINAL WHERE project_id = {projectId} AND id IN {Sql.InList(chunk)} AND {filter.Where()}"), ct))
                    passing.Add(row.Id);
            var ordered = candidates.Where(c => passing.Contains(c.Id)).ToList();
            if (ordered.Count >= needed) return ordered[needed - 1].Figure > 0 ? ordered.Skip(needed - filter.Limit).Take(filter.Limit).Select(c => c.Id).ToList() : null;
            if (candidates.Count < fetch || candidates[^1].Figure <= 0) return null;
        }
        return null;
    }

    const int MaxTopCandidates = 10_000;

    public sealed record TraceChildren(string TraceId, string Id, long StartTime, long? EndTime, double? TotalCost);
    public sealed record ScoreRef(string TraceId, string Id);

    /// <summary>Observation ids, latency and cost per trace, and score ids, for one page of traces.</summary>
    public async Task<(ILookup<string, TraceChildren> Observations, ILookup<string, string> Scores)> ChildrenAsync(string projectId, IReadOnlyCollection<string> traceIds, CancellationToken ct)
    {
        if (traceIds.Count == 0) return (Array.Empty<TraceChildren>().ToLookup(o => o.TraceId), Array.Empty<ScoreRef>().ToLookup(s => s.TraceId, s => s.Id));
        var ids = Sql.InList(traceIds);
        var observations = clickHouse.QueryAsync<TraceChildren>(Sql.Of(
            $"SELECT trace_id, id, start_time, end_time, total_cost FROM (SELECT trace_id, id, start_time, end_time, total_cost, is_deleted FROM observations PREWHERE project_id = {projectId} AND trace_id IN {ids} ORDER BY fold_version DESC LIMIT 1 BY id) WHERE is_deleted = 0"), ct);
        var scores = clickHouse.QueryAsync<ScoreRef>(Sql.Of(
            $"SELECT ifNull(trace_id, '') AS trace_id, id FROM (SELECT trace_id, id, is_deleted FROM scores PREWHERE project_id = {projectId} AND ifNull(trace_id, '') IN {ids} ORDER BY fold_version DESC LIMIT 1 BY id) WHERE is_deleted = 0"), ct);
        return ((await observations).ToLookup(o => o.TraceId), (await scores).ToLookup(s => s.TraceId, s => s.Id));
    }

    public sealed record SessionRow(string Id, long CreatedAt, string Environment);

    public async Task<(List<SessionRow> Rows, ulong Total)> SessionsAsync(string projectId, int page, int limit, DateTimeOffset? from, DateTimeOffset? to,
        IReadOnlyList<string> environments, CancellationToken ct)
    {
        var range = Sql.Join(" ", new[]
        {
            from is { } f ? Sql.Of($"AND timestamp >= {f.ToUnixTimeMilliseconds()}") : Sql.Empty,
            to is { } t ? Sql.Of($"AND timestamp < {t.ToUnixTimeMilliseconds()}") : Sql.Empty,
            environments.Count > 0 ? Sql.Of($"AND environment IN {Sql.InList(environments)}") : Sql.Empty,
        });
        // Grouped per id range of traces in parallel (see KeyRanges), then the ranges' groups merged.
        var branches = await keyRanges.UnionAsync(EntityTable.Traces, projectId, ids => Sql.Of(
            $"SELECT session_id, min(timestamp) AS created_at, any(environment) AS session_environment FROM traces FINAL WHERE project_id = {projectId} AND {ids} AND is_deleted = 0 AND session_id IS NOT NULL {range} GROUP BY session_id"), ct);
        var sessions = Sql.Of($"SELECT session_id AS id, min(created_at) AS created_at, any(session_environment) AS environment FROM ({branches}) GROUP BY session_id");
        // Page and total from one pass: the groups are what costs, and two queries would build them twice.
        var result = (await clickHouse.QueryAsync<JsonObject>(Sql.Of(
            $"SELECT count() AS total, arraySlice(arraySort(s -> (-s.2, s.1), groupArray((id, created_at, environment))), {(long)(page - 1) * limit + 1}, {limit}) AS page FROM ({sessions})"), ct)).Single();
        var rows = result["page"]!.AsArray().Select(s => new SessionRow(ClickHouseJson.Text(s![0]), ClickHouseJson.Long(s[1]), ClickHouseJson.Text(s[2]))).ToList();
        return (rows, ulong.Parse(ClickHouseJson.Text(result["total"]), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Traces whose latest row is in the session: every trace that ever had a row in it (a plain scan), then the latest
    /// row of those by primary key, kept when it is still in the session.
    /// </summary>
    public async Task<List<TraceRow>> SessionTracesAsync(string projectId, string sessionId, CancellationToken ct)
    {
        var ids = Sql.Of($"(SELECT id FROM traces WHERE project_id = {projectId} AND session_id = {sessionId})");
        return await clickHouse.QueryAsync<TraceRow>(Sql.Of(
            $"SELECT * FROM (SELECT * FROM traces PREWHERE project_id = {projectId} AND id IN {ids} ORDER BY fold_version DESC LIMIT 1 BY id) WHERE is_deleted = 0 AND session_id = {sessionId} ORDER BY timestamp ASC"), ct);
    }
}
