using FastEndpoints;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Metrics;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.GetDailyMetrics;

/// <summary>
/// GET /api/public/metrics/daily, newest day first. As in Langfuse, traces count on the day of their timestamp and
/// observations (with usage and cost per model) on the day they started, from an hour before fromTimestamp; trace
/// filters other than time restrict the observations to those of matching traces. Without such filters, whole
/// days come from <see cref="DailyRollups"/> and only the rest is aggregated.
/// </summary>
sealed class Endpoint(ClickHouseGateway clickHouse, DailyRollups rollups) : Endpoint<Request, Response>
{
    sealed record DayTraces(string Date, ulong CountTraces);
    sealed record DayModel(string Date, string Model, long InputUsage, long OutputUsage, long TotalUsage, ulong CountTraces, ulong CountObservations, double TotalCost);
    sealed record Bounds(long Lo, ulong N);

    const long ObservationLead = 3_600_000; // observations may start shortly before their trace's timestamp (Langfuse allows an hour)
    const long DayMs = TimeWindows.DayMs;
    const long MaxDays = 3_700; // a span of data wider than ten years (stray timestamps) is aggregated directly

    public override void Configure()
    {
        Get("/api/public/metrics/daily");
        Description(d => d.WithTags("Metrics"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var traceFilter = new Conditions().Where("name", r.TraceName).Where("user_id", r.UserId).WhereAny("environment", r.Environment).WhereAll("tags", r.Tags);
        var filtersTraces = r.TraceName is not null || r.UserId is not null || r.Environment is { Count: > 0 } || r.Tags is { Count: > 0 };
        var (from, to) = (r.FromTimestamp?.ToUnixTimeMilliseconds(), r.ToTimestamp?.ToUnixTimeMilliseconds());
        var traceRange = new TimeWindow(from ?? long.MinValue, to ?? long.MaxValue);
        var observationRange = traceRange with { From = from is { } f ? f - ObservationLead : long.MinValue };

        var days = filtersTraces
            ? await AggregateAsync(project, [traceRange], [observationRange], traceFilter.Build(), filtersTraces: true, ct)
            : await RolledUpAsync(project, traceRange, observationRange, traceFilter.Build(), ct);

        var ordered = days.Where(d => d.Value.CountTraces > 0 || d.Value.Models.Count > 0).OrderByDescending(d => d.Key, StringComparer.Ordinal).ToList();
        var data = ordered.Skip((r.Page - 1) * r.Limit).Take(r.Limit).Select(d => new DailyMetricsDay(d.Key, (long)d.Value.CountTraces,
            d.Value.Models.Sum(m => (long)m.CountObservations), d.Value.Models.Sum(m => m.TotalCost),
            d.Value.Models.Where(m => m.Name.Length > 0).OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => new DailyModelUsage(m.Name, m.InputUsage,
                m.OutputUsage, m.TotalUsage, (long)m.CountTraces, (long)m.CountObservations, m.TotalCost)).ToList())).ToList();
        await Send.OkAsync(new Response(data, PageMeta.Of(r.Page, r.Limit, ordered.Count)), ct);
    }

    /// <summary>Whole days inside both ranges come from valid rollups or are aggregated and stored; edge days are aggregated.</summary>
    async Task<Dictionary<string, DailyRollups.Day>> RolledUpAsync(string project, TimeWindow traceRange, TimeWindow observationRange, Sql traceFilter, CancellationToken ct)
    {
        var (first, last) = (observationRange.From, traceRange.To);
        // Without an end, days run to the end of today and anything later (clocks ahead) is aggregated as a tail.
        var tomorrow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / DayMs * DayMs + DayMs;
        if (last == long.MaxValue) last = tomorrow;
        if (first == long.MinValue)
        {
            var traceBounds = clickHouse.QueryAsync<Bounds>(Sql.Of($"SELECT min(timestamp) AS lo, count() AS n FROM traces WHERE project_id = {project}"), ct);
            var observationBounds = await clickHouse.QueryAsync<Bounds>(Sql.Of($"SELECT min(start_time) AS lo, count() AS n FROM observations WHERE project_id = {project}"), ct);
            var bounds = (await traceBounds).Concat(observationBounds).Where(b => b.N > 0).ToList();
            if (bounds.Count == 0) return [];
            first = Math.Min(bounds.Min(b => b.Lo), last - 1);
        }
        if ((last - first) / DayMs > MaxDays) return await AggregateAsync(project, [traceRange], [observationRange], traceFilter, filtersTraces: false, ct);
        var allDays = new List<long>();
        for (var day = TimeWindows.DayStart(first); day < last; day += DayMs) allDays.Add(day);
        var whole = allDays.Where(d => d >= traceRange.From && d + DayMs <= traceRange.To).ToList();

        if (await rollups.TryReadAsync<DailyRollups.Day>(project, DailyRollups.MetricsKind, whole.Select(DailyRollups.DayOf).ToList()) is not { } read)
            return await AggregateAsync(project, [traceRange], [observationRange], traceFilter, filtersTraces: false, ct);
        var (sequence, valid) = read;
        var stale = whole.Where(d => !valid.ContainsKey(DailyRollups.DayOf(d))).ToList();
        var edges = allDays.Except(whole).ToList();
        var tail = traceRange.To == long.MaxValue ? new TimeWindow(tomorrow, long.MaxValue) : null;
        var computed = await AggregateAsync(project,
            Windows(stale, edges, traceRange, tail), Windows(stale, edges, observationRange, tail), traceFilter, filtersTraces: false, ct);

        var fresh = stale.Select(DailyRollups.DayOf).ToDictionary(d => d, d => computed.TryGetValue(d, out var day) ? day with { Sequence = sequence } : new DailyRollups.Day(sequence, 0, []));
        await rollups.TryStoreAsync(project, DailyRollups.MetricsKind, fresh);
        foreach (var (day, totals) in fresh) valid[day] = totals;
        foreach (var (day, totals) in computed)
            valid.TryAdd(day, totals); // edge days and the tail
        return valid;
    }

    static List<TimeWindow> Windows(IEnumerable<long> stale, IEnumerable<long> edges, TimeWindow range, TimeWindow? tail)
    {
        var windows = TimeWindows.OfDays(stale.Concat(edges), range);
        if (tail is not null) windows.Add(tail with { From = Math.Max(tail.From, range.From) });
        return windows;
    }

    async Task<Dictionary<string, DailyRollups.Day>> AggregateAsync(string project, List<TimeWindow> traceWindows, List<TimeWindow> observationWindows, Sql traceFilter, bool filtersTraces, CancellationToken ct)
    {
        if (traceWindows.Count == 0 && observationWindows.Count == 0) return [];
        var traceDays = traceWindows.Count == 0 ? Task.FromResult(new List<DayTraces>()) : clickHouse.QueryAsync<DayTraces>(Sql.Of(
            $@"SELECT {Day("timestamp")} AS date, count() AS count_traces
               FROM {ListQuery.LatestWithin("traces", project, TimeWindows.Within("timestamp", traceWindows), "id, timestamp, name, user_id, tags, environment, is_deleted")}
               WHERE {traceFilter} GROUP BY date"), ct);
        var observations = ListQuery.LatestWithin("observations", project, TimeWindows.Within("start_time", observationWindows),
            "id, trace_id, start_time, provided_model_name, usage_keys, usage_values, total_cost, is_deleted");
        var ofTraces = filtersTraces ? Sql.Of($"AND trace_id IN {ListQuery.TracesWhere(project, Sql.Join(" AND ", [traceFilter, TimeWindows.Within("timestamp", traceWindows)]))}") : Sql.Empty;
        var models = observationWindows.Count == 0 ? [] : await clickHouse.QueryAsync<DayModel>(Sql.Of($@"SELECT {Day("start_time")} AS date, ifNull(provided_model_name, '') AS model,
                sum(arraySum(arrayFilter((usage_value, usage_key) -> usage_key = 'input', usage_values, usage_keys))) AS input_usage,
                sum(arraySum(arrayFilter((usage_value, usage_key) -> usage_key = 'output', usage_values, usage_keys))) AS output_usage,
                sum(arraySum(arrayFilter((usage_value, usage_key) -> usage_key = 'total', usage_values, usage_keys))) AS total_usage,
                uniqExact(trace_id) AS count_traces, count() AS count_observations, sum(ifNull(total_cost, 0)) AS total_cost
            FROM {observations} WHERE is_deleted = 0 {ofTraces}
            GROUP BY date, model"), ct);
        var traces = (await traceDays).ToDictionary(d => d.Date, d => d.CountTraces);
        var byDay = models.ToLookup(m => m.Date);
        return traces.Keys.Union(byDay.Select(g => g.Key)).ToDictionary(d => d, d => new DailyRollups.Day(0, traces.GetValueOrDefault(d),
            byDay[d].Select(m => new DailyRollups.Model(m.Model, m.InputUsage, m.OutputUsage, m.TotalUsage, m.CountTraces, m.CountObservations, m.TotalCost)).ToList()));
    }

    static Sql Day(string millisColumn) => Sql.Trusted($"toString(toDate(toDateTime(intDiv({millisColumn}, 1000))))");
}

/// <summary>Langfuse's daily metrics parameters; trace filters other than time restrict the observations to those of matching traces.</summary>
public sealed record Request : PageRequest
{
    [QueryParam] public string? TraceName { get; init; }
    [QueryParam] public string? UserId { get; init; }
    /// <summary>Traces holding all these tags.</summary>
    [QueryParam] public List<string>? Tags { get; init; }
    [QueryParam] public List<string>? Environment { get; init; }
    [QueryParam] public DateTimeOffset? FromTimestamp { get; init; }
    [QueryParam] public DateTimeOffset? ToTimestamp { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPagingRules();
    }
}

/// <summary>Langfuse's DailyMetrics.</summary>
public sealed record Response(IReadOnlyList<DailyMetricsDay> Data, PageMeta Meta);

/// <summary>One UTC day (yyyy-MM-dd): traces on it, observations started on it with usage and cost per model.</summary>
public sealed record DailyMetricsDay(string Date, long CountTraces, long CountObservations, double TotalCost, IReadOnlyList<DailyModelUsage> Usage);

public sealed record DailyModelUsage(string Model, long InputUsage, long OutputUsage, long TotalUsage, long CountTraces, long CountObservations, double TotalCost);
