using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.BrowseUsers;

/// <summary>
/// GET /api/app/projects/{projectId}/users: the users page (VIEWER and above): each user id of the traces with their
/// trace count and first and last trace, most recently seen first; then tokens and cost for the page's users only.
/// </summary>
sealed class Endpoint(Access access, ClickHouseGateway clickHouse, KeyRanges keyRanges) : Endpoint<Request, Response>
{
    sealed record UserRow(string UserId, long Traces, long First, long Last);
    sealed record Usage(string UserId, long Tokens, double Cost);

    public override void Configure()
    {
        Get("projects/{projectId}/users");
        Group<WebApp>();
        Description(d => d.WithTags("Users"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct)).Project.Id;
        // Like the sessions list: grouped per id range of the latest trace rows in parallel, then merged and paged in one pass.
        var branches = await keyRanges.UnionAsync(EntityTable.Traces, project, ids => Sql.Of(
            $"SELECT user_id AS uid, count() AS traces, min(timestamp) AS first, max(timestamp) AS last FROM traces FINAL WHERE project_id = {project} AND {ids} AND is_deleted = 0 AND user_id IS NOT NULL GROUP BY user_id"), ct);
        // Page and total from one pass (no window functions on 18.16): the groups are what costs.
        var result = (await clickHouse.QueryAsync<JsonObject>(Sql.Of($"""
            SELECT count() AS total, arraySlice(arraySort(u -> (-u.4, u.1), groupArray((uid, traces, first, last))), {(long)(r.Page - 1) * r.Limit + 1}, {r.Limit}) AS page
            FROM (SELECT uid, sum(traces) AS traces, min(first) AS first, max(last) AS last FROM ({branches}) GROUP BY uid)
            """), ct)).Single();
        var users = result["page"]!.AsArray().Select(u => new UserRow(ClickHouseJson.Text(u![0]), ClickHouseJson.Long(u[1]), ClickHouseJson.Long(u[2]), ClickHouseJson.Long(u[3]))).ToList();
        var total = ClickHouseJson.Long(result["total"]);
        var ids = users.Select(u => u.UserId).ToList();
        var usage = ids.Count == 0 ? [] : await clickHouse.QueryAsync<Usage>(Sql.Of($"""
            SELECT trace_user AS user_id, sum(tokens) AS tokens, sum(cost) AS cost FROM
              (SELECT * FROM
                (SELECT id, trace_id AS trace_key, {Sql.Trusted(JsonFilterSchema.UsageSum("usage_keys", "usage_values", "total"))} AS tokens, ifNull(total_cost, 0) AS cost, is_deleted
                 FROM observations PREWHERE project_id = {project} AND trace_id IN (SELECT id FROM traces WHERE project_id = {project} AND user_id IN {Sql.InList(ids)})
                 ORDER BY fold_version DESC LIMIT 1 BY id) AS observation_rows
               ANY INNER JOIN (SELECT id AS trace_key, any(user_id) AS trace_user FROM traces WHERE project_id = {project} AND user_id IN {Sql.InList(ids)} GROUP BY id) AS user_traces
               USING trace_key)
            WHERE is_deleted = 0
            GROUP BY trace_user
            """), ct);
        var byUser = usage.ToDictionary(u => u.UserId);
        await Send.OkAsync(new Response(users.Select(u => new UserItem(u.UserId, (long)u.Traces, DateTimeOffset.FromUnixTimeMilliseconds(u.First),
                DateTimeOffset.FromUnixTimeMilliseconds(u.Last), byUser.TryGetValue(u.UserId, out var x) ? x.Tokens : 0, byUser.TryGetValue(u.UserId, out var y) ? y.Cost : 0)).ToList(),
            new BrowseTraces.PageMeta(r.Page, r.Limit, total, (long)Math.Ceiling(total / (double)r.Limit))), ct);
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

public sealed record UserItem(string UserId, long TraceCount, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, long TotalTokens, double TotalCost);
public sealed record Response(IReadOnlyList<UserItem> Data, BrowseTraces.PageMeta Meta);
