using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.Dashboard;

/// <summary>
/// GET /api/app/projects/{projectId}/dashboard?fromTimestamp&amp;toTimestamp&amp;environment: the home dashboard (VIEWER
/// and above) for a time range: traces and observations over time (hourly up to two days, daily beyond, a daily
/// range starting at its first day's midnight UTC), cost and tokens by model, latency percentiles of traces and
/// generations (within 0.5%), and score averages. The figures come by day from <see cref="DashboardDays"/>.
/// </summary>
sealed class Endpoint(Access access, DashboardDays figures) : Endpoint<Request, Response>
{
    const long HourMs = 3_600_000;

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
        var bucket = to - from <= 2 * TimeWindows.DayMs ? HourMs : TimeWindows.DayMs;
        // Daily buckets are whole days: a range cut in its first day would show a first bucket too small to compare.
        if (bucket == TimeWindows.DayMs) from = TimeWindows.DayStart(from);
        var sum = DashboardDays.Sum(await figures.ForRangeAsync(project, new TimeWindow(from, to), r.Environment is { Length: > 0 } e ? e : null, ct));

        IReadOnlyList<TimePoint> Series(Dictionary<long, long> byHour) => byHour
            .GroupBy(h => h.Key - h.Key % bucket, h => h.Value).Where(g => g.Sum() > 0).OrderBy(g => g.Key)
            .Select(g => new TimePoint(DateTimeOffset.FromUnixTimeMilliseconds(g.Key), g.Sum())).ToList();
        static LatencyPercentiles? Latency(Dictionary<int, long> histogram) =>
            LatencyHistogram.Percentiles(histogram, 0.5, 0.9, 0.95, 0.99) is { } q ? new LatencyPercentiles(q[0], q[1], q[2], q[3]) : null;
        var models = sum.Models.OrderByDescending(m => m.Cost).ThenByDescending(m => m.Tokens).ToList();
        await Send.OkAsync(new Response(DateTimeOffset.FromUnixTimeMilliseconds(from), DateTimeOffset.FromUnixTimeMilliseconds(to), bucket == HourMs ? "hour" : "day",
            Series(sum.TracesByHour), Series(sum.ObservationsByHour),
            models.Take(20).Select(m => new ModelUsage(m.Model.Length == 0 ? "(no model)" : m.Model, m.Cost, m.Tokens, m.Generations)).ToList(),
            models.Sum(m => m.Cost), models.Sum(m => m.Tokens),
            Latency(sum.TraceLatency), Latency(sum.GenerationLatency),
            sum.Scores.OrderByDescending(s => s.Count).Take(20).Select(s => new ScoreAverage(s.Name, s.Sum / s.Count, s.Count)).ToList()), ct);
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
