using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.BrowseUsers;

/// <summary>
/// GET /api/app/projects/{projectId}/users: the users page (VIEWER and above): each user id of the traces with their
/// trace count and first and last trace, most recently seen first. Tokens and cost come from a second call for the
/// page's users (<see cref="GetUserUsage"/>), as in Langfuse's own app: on a million traces the list takes ~0.6 s and
/// the usage of 50 heavy users ~2 s, and the page shows the list without waiting for it.
/// </summary>
sealed class Endpoint(Access access, ClickHouseGateway clickHouse, KeyRanges keyRanges) : Endpoint<Request, Response>
{
    sealed record UserRow(string UserId, long Traces, long First, long Last);

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
        await Send.OkAsync(new Response(users.Select(u => new UserItem(u.UserId, u.Traces, DateTimeOffset.FromUnixTimeMilliseconds(u.First),
                DateTimeOffset.FromUnixTimeMilliseconds(u.Last))).ToList(),
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

public sealed record UserItem(string UserId, long TraceCount, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
public sealed record Response(IReadOnlyList<UserItem> Data, BrowseTraces.PageMeta Meta);
