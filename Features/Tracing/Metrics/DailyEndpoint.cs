using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Tracing.ListObservations;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.Metrics;

/// <summary>GET /api/public/metrics/daily: per day, traces, observations, cost, and usage per model; newest day first.</summary>
sealed class DailyEndpoint(ClickHouseGateway clickHouse) : EndpointWithoutRequest
{
    sealed record DayTotals(string Date, ulong CountTraces);
    sealed record DayModel(string Date, string Model, long InputUsage, long OutputUsage, long TotalUsage, ulong CountTraces, ulong CountObservations, double TotalCost);

    public override void Configure()
    {
        Get("/api/public/metrics/daily");
        Description(d => d.WithTags("Metrics"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var q = HttpContext.Request.Query;
        var (page, limit) = QueryParameters.Paging(q);
        var conditions = new Conditions(q).Eq("traceName", "name").Eq("userId", "user_id").AnyOf("environment", "environment")
            .Range("fromTimestamp", "toTimestamp", "timestamp");
        if (q["tags"].Where(t => t is not null).Select(t => t!).ToList() is { Count: > 0 } tags) conditions.Add(Sql.Of($"hasAll(tags, {tags})"));
        var slimTraces = ListQuery.Latest("traces", project, Sql.Trusted("1"), "id, timestamp, name, user_id, tags, environment, is_deleted");
        var traces = Sql.Of($"(SELECT id, toString(toDate(toDateTime(intDiv(timestamp, 1000)))) AS date FROM {slimTraces} WHERE {conditions.Build()})");

        var days = await clickHouse.QueryAsync<DayTotals>(Sql.Of(
            $"SELECT date, count() AS count_traces FROM {traces} GROUP BY date ORDER BY date DESC LIMIT {limit} OFFSET {(long)(page - 1) * limit}"), ct);
        var totalDays = (await clickHouse.QueryAsync<ListQuery.Count>(Sql.Of($"SELECT uniqExact(date) AS c FROM {traces}"), ct)).Single().C;
        var dates = days.Select(d => d.Date).ToList();
        var models = dates.Count == 0 ? [] : await clickHouse.QueryAsync<DayModel>(Sql.Of($@"SELECT date, ifNull(provided_model_name, '') AS model,
                sum(arraySum(arrayFilter((v, k) -> k = 'input', usage_values, usage_keys))) AS input_usage,
                sum(arraySum(arrayFilter((v, k) -> k = 'output', usage_values, usage_keys))) AS output_usage,
                sum(arraySum(arrayFilter((v, k) -> k = 'total', usage_values, usage_keys))) AS total_usage,
                uniqExact(trace_id) AS count_traces, count() AS count_observations, sum(ifNull(total_cost, 0)) AS total_cost
            FROM (SELECT trace_id, provided_model_name, usage_keys, usage_values, total_cost FROM {ListQuery.Latest("observations", project,
                Sql.Of($"trace_id IN (SELECT id FROM {traces} WHERE has({dates}, date))"),
                "id, trace_id, provided_model_name, usage_keys, usage_values, total_cost, is_deleted")} WHERE is_deleted = 0)
            ANY INNER JOIN (SELECT id AS trace_id, date FROM {traces} WHERE has({dates}, date)) USING trace_id
            GROUP BY date, model"), ct);
        var byDay = models.ToLookup(m => m.Date);
        var data = days.Select(d => (JsonNode?)new JsonObject
        {
            ["date"] = d.Date,
            ["countTraces"] = d.CountTraces,
            ["countObservations"] = byDay[d.Date].Sum(m => (long)m.CountObservations),
            ["totalCost"] = byDay[d.Date].Sum(m => m.TotalCost),
            ["usage"] = new JsonArray(byDay[d.Date].Where(m => m.Model.Length > 0).OrderBy(m => m.Model).Select(m => (JsonNode?)new JsonObject
            {
                ["model"] = m.Model, ["inputUsage"] = m.InputUsage, ["outputUsage"] = m.OutputUsage, ["totalUsage"] = m.TotalUsage,
                ["countTraces"] = m.CountTraces, ["countObservations"] = m.CountObservations, ["totalCost"] = m.TotalCost,
            }).ToArray()),
        }).ToArray();
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject { ["data"] = new JsonArray(data), ["meta"] = QueryParameters.PageMeta(page, limit, (long)totalDays) }, ct);
    });
}
