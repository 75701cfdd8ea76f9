using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.Dashboard;

/// <summary>
/// GET /api/app/projects/{projectId}/dashboard?fromTimestamp&amp;toTimestamp&amp;environment: the home dashboard (VIEWER
/// and above) for a time range: traces and observations over time (hourly up to two days, daily beyond), cost and
/// tokens by model, latency percentiles of traces and generations, and score averages. Six queries run side by side
/// over the latest row of each entity in the range; all SQL works on ClickHouse 18.16 and current releases.
/// </summary>
sealed class Endpoint(Access access, ClickHouseGateway clickHouse) : Endpoint<Request, Response>
{
    static readonly string TotalTokens = JsonFilterSchema.UsageSum("usage_keys", "usage_values", "total");
    sealed record BucketCount(long Bucket, ulong N);
    sealed record ModelRow(string Model, double Cost, long Tokens, ulong Generations);
    sealed record Percentiles(double[] Q);
    sealed record ScoreRow(string Name, double Average, ulong N);

    public override void Configure()
    {
        Get("projects/{projectId}/dashboard");
        Group<WebApp>();
        Description(d => d.WithTags("Dashboard"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct)).Project.Id;
        var to = (r.ToTimestamp ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        var from = (r.FromTimestamp ?? DateTimeOffset.UtcNow.AddDays(-7)).ToUnixTimeMilliseconds();
        var bucket = to - from <= 2 * 86_400_000L ? 3_600_000L : 86_400_000L;
        var environment = r.Environment is { Length: > 0 } e ? Sql.Of($"AND environment = {e}") : Sql.Empty;
        var traces = ListQuery.LatestWithin("traces", project, Sql.Of($"timestamp >= {from} AND timestamp < {to}"), "id, timestamp, environment, is_deleted");
        var observations = ListQuery.LatestWithin("observations", project, Sql.Of($"start_time >= {from} AND start_time < {to}"),
            "id, trace_id, type, start_time, end_time, provided_model_name, usage_keys, usage_values, total_cost, environment, is_deleted");
        var scores = ListQuery.LatestWithin("scores", project, Sql.Of($"timestamp >= {from} AND timestamp < {to}"), "id, name, value, data_type, environment, is_deleted");
        var live = Sql.Of($"is_deleted = 0 {environment}");

        var tracesOverTime = clickHouse.QueryAsync<BucketCount>(Sql.Of(
            $"SELECT intDiv(timestamp, {bucket}) * {bucket} AS bucket, count() AS n FROM {traces} WHERE {live} GROUP BY bucket ORDER BY bucket"), ct);
        var observationsOverTime = clickHouse.QueryAsync<BucketCount>(Sql.Of(
            $"SELECT intDiv(start_time, {bucket}) * {bucket} AS bucket, count() AS n FROM {observations} WHERE {live} GROUP BY bucket ORDER BY bucket"), ct);
        var models = clickHouse.QueryAsync<ModelRow>(Sql.Of(
            $"SELECT ifNull(provided_model_name, '') AS model, sum(ifNull(total_cost, 0)) AS cost, sum({Sql.Trusted(TotalTokens)}) AS tokens, count() AS generations FROM {observations} WHERE {live} AND type = 'GENERATION' GROUP BY model ORDER BY cost DESC, tokens DESC LIMIT 20"), ct);
        var traceLatency = clickHouse.QueryAsync<Percentiles>(Sql.Of(
            $"SELECT arrayMap(x -> if(isNaN(x), -1., x), quantiles(0.5, 0.9, 0.95, 0.99)(latency)) AS q FROM (SELECT trace_id, (max(ifNull(end_time, start_time)) - min(start_time)) / 1000 AS latency FROM {observations} WHERE {live} GROUP BY trace_id)"), ct);
        var generationLatency = clickHouse.QueryAsync<Percentiles>(Sql.Of(
            $"SELECT arrayMap(x -> if(isNaN(x), -1., x), quantiles(0.5, 0.9, 0.95, 0.99)((ifNull(end_time, start_time) - start_time) / 1000)) AS q FROM {observations} WHERE {live} AND type = 'GENERATION'"), ct);
        var scoreAverages = clickHouse.QueryAsync<ScoreRow>(Sql.Of(
            $"SELECT name, avg(value) AS average, count() AS n FROM {scores} WHERE {live} AND data_type IN ('NUMERIC', 'BOOLEAN') GROUP BY name ORDER BY n DESC LIMIT 20"), ct);

        static IReadOnlyList<TimePoint> Series(List<BucketCount> rows) => rows.Select(b => new TimePoint(DateTimeOffset.FromUnixTimeMilliseconds(b.Bucket), (long)b.N)).ToList();
        static LatencyPercentiles? Latency(List<Percentiles> rows) =>
            // An empty range has no percentiles (NaN, sent as -1).
            rows.SingleOrDefault() is { Q.Length: 4 } p && p.Q.All(q => q >= 0) ? new LatencyPercentiles(p.Q[0], p.Q[1], p.Q[2], p.Q[3]) : null;
        var modelRows = await models;
        await Send.OkAsync(new Response(DateTimeOffset.FromUnixTimeMilliseconds(from), DateTimeOffset.FromUnixTimeMilliseconds(to), bucket == 3_600_000L ? "hour" : "day",
            Series(await tracesOverTime), Series(await observationsOverTime),
            modelRows.Select(m => new ModelUsage(m.Model.Length == 0 ? "(no model)" : m.Model, m.Cost, m.Tokens, (long)m.Generations)).ToList(),
            modelRows.Sum(m => m.Cost), modelRows.Sum(m => m.Tokens),
            Latency(await traceLatency), Latency(await generationLatency),
            (await scoreAverages).Select(s => new ScoreAverage(s.Name, s.Average, (long)s.N)).ToList()), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    [QueryParam] public DateTimeOffset? FromTimestamp { get; init; }
    [QueryParam] public DateTimeOffset? ToTimestamp { get; init; }
    [QueryParam] public string? Environment { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r).Must(r => r.FromTimestamp is null || r.ToTimestamp is null || r.FromTimestamp < r.ToTimestamp)
                .WithName("fromTimestamp").WithMessage("fromTimestamp must be before toTimestamp");
            RuleFor(r => r.Environment).MaximumLength(200);
        }
    }
}

public sealed record TimePoint(DateTimeOffset Time, long Count);
public sealed record ModelUsage(string Model, double Cost, long Tokens, long Generations);
public sealed record LatencyPercentiles(double P50, double P90, double P95, double P99);
public sealed record ScoreAverage(string Name, double Average, long Count);
public sealed record Response(DateTimeOffset From, DateTimeOffset To, string Interval, IReadOnlyList<TimePoint> Traces, IReadOnlyList<TimePoint> Observations,
    IReadOnlyList<ModelUsage> CostByModel, double TotalCost, long TotalTokens, LatencyPercentiles? TraceLatency, LatencyPercentiles? GenerationLatency,
    IReadOnlyList<ScoreAverage> Scores);
