using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Tracing.ListObservations;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.Metrics;

/// <summary>
/// GET /api/public/metrics/daily, newest day first. As in Langfuse, traces count on the day of their timestamp and
/// observations (with usage and cost per model) on the day they started; trace filters other than time restrict
/// the observations to those of matching traces.
/// </summary>
sealed class DailyEndpoint(ClickHouseGateway clickHouse) : EndpointWithoutRequest
{
    sealed record DayTraces(string Date, ulong CountTraces);
    sealed record DayModel(string Date, string Model, long InputUsage, long OutputUsage, long TotalUsage, ulong CountTraces, ulong CountObservations, double TotalCost);

    const long ObservationLead = 3_600_000; // observations may start shortly before their trace's timestamp (Langfuse allows an hour)

    public override void Configure()
    {
        Get("/api/public/metrics/daily");
        Description(d => d.WithTags("Metrics"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var q = HttpContext.Request.Query;
        var (page, limit) = QueryParameters.Paging(q);
        var traceFilter = new Conditions(q).Eq("traceName", "name").Eq("userId", "user_id").AnyOf("environment", "environment");
        if (q["tags"].Where(t => t is not null).Select(t => t!).ToList() is { Count: > 0 } tags) traceFilter.Add(Sql.Of($"hasAll(tags, {tags})"));
        var filtersTraces = traceFilter.Count > 1;
        traceFilter.Range("fromTimestamp", "toTimestamp", "timestamp");
        var (from, to) = (ListQuery.Millis(q, "fromTimestamp"), ListQuery.Millis(q, "toTimestamp"));

        var traceDays = clickHouse.QueryAsync<DayTraces>(Sql.Of(
            $"SELECT {Day("timestamp")} AS date, count() AS count_traces FROM traces FINAL WHERE project_id = {project} AND {traceFilter.Build()} GROUP BY date"), ct);
        var range = Sql.Join(" AND ", [
            from is { } f ? Sql.Of($"start_time >= {f - ObservationLead}") : Sql.Trusted("1"),
            to is { } t ? Sql.Of($"start_time < {t}") : Sql.Trusted("1"),
        ]);
        var observations = ListQuery.LatestWithin("observations", project, range, "id, trace_id, start_time, provided_model_name, usage_keys, usage_values, total_cost, is_deleted");
        var ofTraces = filtersTraces ? Sql.Of($"AND trace_id IN {ListQuery.TracesWhere(project, traceFilter.Build())}") : Sql.Empty;
        var models = await clickHouse.QueryAsync<DayModel>(Sql.Of($@"SELECT {Day("start_time")} AS date, ifNull(provided_model_name, '') AS model,
                sum(arraySum(arrayFilter((v, k) -> k = 'input', usage_values, usage_keys))) AS input_usage,
                sum(arraySum(arrayFilter((v, k) -> k = 'output', usage_values, usage_keys))) AS output_usage,
                sum(arraySum(arrayFilter((v, k) -> k = 'total', usage_values, usage_keys))) AS total_usage,
                uniqExact(trace_id) AS count_traces, count() AS count_observations, sum(ifNull(total_cost, 0)) AS total_cost
            FROM {observations} WHERE is_deleted = 0 {ofTraces}
            GROUP BY date, model"), ct);
        var traces = (await traceDays).ToDictionary(d => d.Date, d => d.CountTraces);
        var byDay = models.ToLookup(m => m.Date);
        var days = traces.Keys.Union(models.Select(m => m.Date)).OrderDescending().ToList();
        var data = days.Skip((page - 1) * limit).Take(limit).Select(date => (JsonNode?)new JsonObject
        {
            ["date"] = date,
            ["countTraces"] = traces.GetValueOrDefault(date),
            ["countObservations"] = byDay[date].Sum(m => (long)m.CountObservations),
            ["totalCost"] = byDay[date].Sum(m => m.TotalCost),
            ["usage"] = new JsonArray(byDay[date].Where(m => m.Model.Length > 0).OrderBy(m => m.Model).Select(m => (JsonNode?)new JsonObject
            {
                ["model"] = m.Model, ["inputUsage"] = m.InputUsage, ["outputUsage"] = m.OutputUsage, ["totalUsage"] = m.TotalUsage,
                ["countTraces"] = m.CountTraces, ["countObservations"] = m.CountObservations, ["totalCost"] = m.TotalCost,
            }).ToArray()),
        }).ToArray();
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject { ["data"] = new JsonArray(data), ["meta"] = QueryParameters.PageMeta(page, limit, days.Count) }, ct);
    });

    static Sql Day(string millisColumn) => Sql.Trusted($"toString(toDate(toDateTime(intDiv({millisColumn}, 1000))))");
}
