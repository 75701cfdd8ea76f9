using Langfuse.Features.Models;
using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.Tables;

/// <summary>
/// Reads of merged rows, always bounded by the caller's project. Each entity may have several row versions until
/// ClickHouse merges them; the one folded from the most events wins (ORDER BY fold_version DESC LIMIT 1 BY id).
/// Lookups by id filter in PREWHERE: only granules that hold the id have their wide columns (input, output) read,
/// which measured 2–3× faster than WHERE on a million-trace project.
/// </summary>
public sealed class TracingReads(ClickHouseGateway clickHouse, LatestRows latestRows, ProjectModels projectModels, ModelCatalog catalog)
{
    /// <summary>Resolves a stored internal_model_id to its prices: the project's own models, then the built-in ones.</summary>
    public async Task<Func<string, ModelPrice?>> ModelLookupAsync(string projectId, CancellationToken ct)
    {
        var own = (await projectModels.PricesAsync(projectId, ct)).ToDictionary(m => m.Id);
        return id => own.TryGetValue(id, out var m) ? m : catalog.ById(id);
    }

    public async Task<TraceRow?> TraceAsync(string projectId, string traceId, CancellationToken ct) =>
        Live(await latestRows.ByIdAsync<TraceRow>(EntityTable.Traces, projectId, [("", traceId)], ct)).FirstOrDefault();

    public async Task<List<ObservationRow>> ObservationsOfTraceAsync(string projectId, string traceId, CancellationToken ct) =>
        Live(await clickHouse.QueryAsync<ObservationRow>(Sql.Of(
            $"SELECT * FROM observations PREWHERE project_id = {projectId} AND trace_id = {traceId} ORDER BY fold_version DESC LIMIT 1 BY id"), ct))
            .OrderBy(o => o.StartTime).ThenBy(o => o.Id, StringComparer.Ordinal).ToList();

    public async Task<ObservationRow?> ObservationAsync(string projectId, string observationId, CancellationToken ct) =>
        Live(await clickHouse.QueryAsync<ObservationRow>(Sql.Of(
            $"SELECT * FROM observations PREWHERE project_id = {projectId} AND id = {observationId} ORDER BY fold_version DESC LIMIT 1"), ct)).FirstOrDefault();

    public async Task<List<ScoreRow>> ScoresOfTraceAsync(string projectId, string traceId, CancellationToken ct) =>
        Live(await clickHouse.QueryAsync<ScoreRow>(Sql.Of(
            $"SELECT * FROM scores PREWHERE project_id = {projectId} AND ifNull(trace_id, '') = {traceId} ORDER BY fold_version DESC LIMIT 1 BY id"), ct))
            .OrderBy(s => s.Timestamp).ToList();

    public async Task<ScoreRow?> ScoreAsync(string projectId, string scoreId, CancellationToken ct) =>
        Live(await clickHouse.QueryAsync<ScoreRow>(Sql.Of(
            $"SELECT * FROM scores PREWHERE project_id = {projectId} AND id = {scoreId} ORDER BY fold_version DESC LIMIT 1"), ct)).FirstOrDefault();

    static IEnumerable<T> Live<T>(IEnumerable<T> rows) where T : IMergedRow => rows.Where(r => r.IsDeleted == 0);
}
