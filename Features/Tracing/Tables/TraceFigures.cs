using Langfuse.Features.Tracing.Filtering;
using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.Tables;

/// <summary>
/// Each trace's figures over its observations (first start, last end, tokens, cost, level counts) in
/// <c>trace_figures</c>, recomputed by ClickHouse from the trace's latest observation rows every time observations of
/// the trace are written. Whatever needs them for many traces at once (a user's total tokens, an all-time latency or
/// cost filter, sorting by cost) then reads one narrow row per trace instead of grouping every observation: on the
/// read benchmark's 10M observations, grouping them took 20–27 s.
/// </summary>
/// <remarks>
/// A row's <c>version</c> is the sum of the fold versions of the observation rows it was computed from. A fold version
/// counts an observation's events, so the sum grows with every event folded and every new observation: whichever
/// recomputation saw more wins the replacement, in whatever order two workers' inserts land. Deleted observations do
/// not count; a deleted trace's figures are erased with it.
/// </remarks>
public sealed class TraceFigures([FromKeyedServices("ingestion")] ClickHouseGateway clickHouse) : IWrittenRowsObserver
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

    public async Task RowsWrittenAsync<T>(string table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        if (rows is not IReadOnlyCollection<ObservationRow> observations) return;
        foreach (var project in observations.GroupBy(o => o.ProjectId))
            foreach (var traceIds in Sql.Chunks(project.Select(o => o.TraceId).Distinct(), id => id.Length))
                await clickHouse.ExecuteAsync(Sql.Of($"INSERT INTO trace_figures {Compute(Sql.Of(
                    $"(SELECT {Sql.Trusted(Columns)} FROM observations PREWHERE project_id = {project.Key} AND trace_id IN {Sql.InList(traceIds)} ORDER BY fold_version DESC LIMIT 1 BY id)"))}"), ct);
    }

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
