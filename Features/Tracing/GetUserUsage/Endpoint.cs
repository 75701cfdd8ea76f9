using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.GetUserUsage;

/// <summary>
/// GET /api/app/projects/{projectId}/users/usage?userIds=a&amp;userIds=b: total tokens and cost of the given users'
/// traces (VIEWER and above), the users page's second call. Users without observations are answered with zeros.
/// </summary>
sealed class Endpoint(Access access, ClickHouseGateway clickHouse) : Endpoint<Request, Response>
{
    sealed record Usage(string UserId, long Tokens, double Cost);

    public override void Configure()
    {
        Get("projects/{projectId}/users/usage");
        Group<WebApp>();
        Description(d => d.WithTags("Users"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct)).Project.Id;
        var ids = r.UserIds.Distinct().ToList();
        // The latest row of each observation of the users' traces, joined to the trace's user: the users' traces are
        // found through the trace table's rows (any version carries the user id), the observations by trace id (their key).
        // ALL, not ANY: the right side has one row per trace already, and current ClickHouse releases make ANY INNER
        // keep one left row per key too, which counted one observation per trace (found by the browser story on 26.7).
        var usage = await clickHouse.QueryAsync<Usage>(Sql.Of($"""
            SELECT trace_user AS user_id, sum(tokens) AS tokens, sum(cost) AS cost FROM
              (SELECT * FROM
                (SELECT id, trace_id AS trace_key, {Sql.Trusted(JsonFilterSchema.UsageSum("usage_keys", "usage_values", "total"))} AS tokens, ifNull(total_cost, 0) AS cost, is_deleted
                 FROM observations PREWHERE project_id = {project} AND trace_id IN (SELECT id FROM traces WHERE project_id = {project} AND user_id IN {Sql.InList(ids)})
                 ORDER BY fold_version DESC LIMIT 1 BY id) AS observation_rows
               ALL INNER JOIN (SELECT id AS trace_key, any(user_id) AS trace_user FROM traces WHERE project_id = {project} AND user_id IN {Sql.InList(ids)} GROUP BY id) AS user_traces
               USING trace_key)
            WHERE is_deleted = 0
            GROUP BY trace_user
            """), ct);
        var byUser = usage.ToDictionary(u => u.UserId);
        await Send.OkAsync(new Response(ids.Select(id => byUser.TryGetValue(id, out var u)
            ? new UserUsage(id, u.Tokens, u.Cost) : new UserUsage(id, 0, 0)).ToList()), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    /// <summary>The users to total, as repeated parameters (a page's worth: at most 100).</summary>
    [QueryParam] public List<string> UserIds { get; init; } = [];

    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPageIdsRules(r => r.UserIds);
    }
}

public sealed record UserUsage(string UserId, long TotalTokens, double TotalCost);
public sealed record Response(IReadOnlyList<UserUsage> Data);
