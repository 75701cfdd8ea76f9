using Langfuse.Features.Tracing.Filtering;
using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.Tables;

/// <summary>
/// Each trace's figures over its observations (first start, last end, tokens, cost, level counts) in
/// <c>trace_figures</c>, written every time observations of the trace are stored. Whatever needs them for many traces
/// at once (a user's total tokens, an all-time latency or cost filter, sorting by cost) then reads one narrow row per
/// trace instead of grouping every observation: on the read benchmark's 10M observations, grouping them took 20–27 s.
/// </summary>
/// <remarks>
/// <para>A trace whose observations are all in the rows just stored gets its figures computed here from those rows; any
/// other has ClickHouse recompute them from its latest observation rows. The recomputation was the largest statement
/// of a closed-loop benchmark's rounds (6.4 s of ClickHouse's CPU in a run: a round's random trace ids touch a granule
/// in every part of <c>observations</c>), and nearly every trace it served was new.</para>
/// <para>A row's <c>version</c> is the sum of the fold versions of the observation rows it was computed from. A fold version
/// counts an observation's events, so the sum grows with every event folded and every new observation: whichever
/// computation saw more wins the replacement, in whatever order two workers' inserts land. Deleted observations do
/// not count; a deleted trace's figures are erased with it.</para>
/// </remarks>
public sealed class TraceFigures([FromKeyedServices("ingestion")] ClickHouseGateway clickHouse, TracingStore store)
{
    /// <summary>The figures of the latest observation rows in <paramref name="latestObservations"/>, one row per trace, in the table's column order.</summary>
    public static Sql Compute(Sql latestObservations) => Sql.Of($"""
        SELECT project_id, trace_id, min(start_time), max(ifNull(end_time, start_time)),
          {Figures("inputTokens", "outputTokens", "totalTokens", "inputCost", "outputCost", "totalCost", "errorCount", "warningCount", "defaultCount", "debugCount")},
          count(), sum(fold_version)
        FROM {latestObservations} WHERE is_deleted = 0 GROUP BY project_id, trace_id
        """);

    static Sql Figures(params string[] names) => Sql.Trusted(string.Join(", ", names.Select(n => JsonFilterSchema.ObservationFigures[n])));

    const string Columns = "project_id, trace_id, start_time, end_time, usage_keys, usage_values, cost_keys, cost_values, total_cost, level, fold_version, is_deleted, id";

    /// <summary>
    /// Writes the figures of the traces of <paramref name="stored"/>, observation rows of one project just stored (one
    /// row per observation). <paramref name="isWholeTrace"/> names the traces of which no observation rows were stored
    /// before these: their figures are computed from these rows; the others' are recomputed by ClickHouse.
    /// </summary>
    public async Task WriteAsync(string projectId, IReadOnlyCollection<ObservationRow> stored, Func<string, bool> isWholeTrace, CancellationToken ct)
    {
        var computed = new List<Row>();
        var recompute = new List<string>();
        foreach (var trace in stored.GroupBy(o => o.TraceId))
        {
            if (!isWholeTrace(trace.Key)) recompute.Add(trace.Key);
            else if (Of(projectId, trace.Key, trace.Where(o => o.IsDeleted == 0).ToList()) is { } row) computed.Add(row);
        }
        await store.InsertAsync("trace_figures", computed, ct);
        await RecomputeAsync(projectId, recompute, ct);
    }

    /// <summary>Has ClickHouse recompute the figures of the traces from their latest observation rows.</summary>
    public async Task RecomputeAsync(string projectId, IEnumerable<string> traceIds, CancellationToken ct)
    {
        foreach (var chunk in Sql.Chunks(traceIds, id => id.Length))
            await clickHouse.ExecuteAsync(Sql.Of($"INSERT INTO trace_figures {Compute(Sql.Of(
                $"(SELECT {Sql.Trusted(Columns)} FROM observations PREWHERE project_id = {projectId} AND trace_id IN {Sql.InList(chunk)} ORDER BY fold_version DESC LIMIT 1 BY id)"))}"), ct);
    }

    /// <summary>One row of <c>trace_figures</c>, in its column order.</summary>
    public sealed record Row(string ProjectId, string TraceId, long StartTime, long EndTime, long InputTokens, long OutputTokens, long TotalTokens,
        double InputCost, double OutputCost, double TotalCost, ulong ErrorCount, ulong WarningCount, ulong DefaultCount, ulong DebugCount,
        ulong ObservationCount, ulong Version);

    /// <summary>What <see cref="Compute"/> gives for a trace whose latest live observation rows are <paramref name="live"/>; null when there are none.</summary>
    public static Row? Of(string projectId, string traceId, IReadOnlyCollection<ObservationRow> live)
    {
        if (live.Count == 0) return null;
        static T Sum<T>(string[] keys, T[] values, string key) where T : System.Numerics.INumber<T>
        {
            var sum = T.Zero;
            for (var i = 0; i < keys.Length && i < values.Length; i++) if (keys[i] == key) sum += values[i];
            return sum;
        }
        ulong Count(string level) => (ulong)live.Count(o => o.Level == level);
        return new Row(projectId, traceId, live.Min(o => o.StartTime), live.Max(o => o.EndTime ?? o.StartTime),
            live.Sum(o => Sum(o.UsageKeys, o.UsageValues, "input")), live.Sum(o => Sum(o.UsageKeys, o.UsageValues, "output")),
            live.Sum(o => Sum(o.UsageKeys, o.UsageValues, "total")),
            live.Sum(o => Sum(o.CostKeys, o.CostValues, "input")), live.Sum(o => Sum(o.CostKeys, o.CostValues, "output")),
            live.Sum(o => o.TotalCost ?? 0),
            Count("ERROR"), Count("WARNING"), Count("DEFAULT"), Count("DEBUG"), (ulong)live.Count,
            live.Aggregate(0UL, (sum, o) => sum + o.FoldVersion));
    }

    sealed record TraceId(string Id);

    /// <summary>Every trace of the project that observation rows were stored for (a trace may come more than once).</summary>
    public IAsyncEnumerable<string> TracesWithObservationsAsync(string projectId, CancellationToken ct) =>
        clickHouse.ProjectRowsAsync<TraceId>("observations", "toYYYYMM(toDateTime(intDiv(first_seen, 1000)))", projectId,
            "DISTINCT trace_id AS id", "trace_id", ct).Select(t => t.Id);

    /// <summary>
    /// The latest figures of the project's traces that match <paramref name="traces"/> (a condition on
    /// <c>trace_id</c>), one row per trace with the table's column names. For a set of traces, grouping their rows
    /// ran a little faster than FINAL here (5,000 traces spread over the benchmark's million: 0.14–0.22 s against
    /// 0.17–0.28 s); over a whole project FINAL is far faster (see <c>JsonFilterSchema.FiguresOfTraces</c>).
    /// </summary>
    public static Sql Latest(string projectId, Sql traces) => Sql.Of($"""
        (SELECT trace_id, argMax(start_time, version) AS start_time, argMax(end_time, version) AS end_time,
           argMax(total_tokens, version) AS total_tokens, argMax(total_cost, version) AS total_cost
         FROM trace_figures PREWHERE project_id = {projectId} AND {traces} GROUP BY trace_id)
        """);
}
