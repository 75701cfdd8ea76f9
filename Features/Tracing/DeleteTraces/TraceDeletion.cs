using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.DeleteTraces;

/// <summary>Queued after a trace deletion: removes the traces' observations and scores in the background.</summary>
public sealed record DeleteTraceData(string ProjectId, List<string> TraceIds);

/// <summary>
/// Deletion by tombstone: a copy of the latest row with is_deleted = 1 and a fold_version no fold can reach, so
/// every read (which takes the highest fold_version) drops the entity at once, a late event cannot bring it back,
/// and ClickHouse's merges reclaim the rows later.
/// </summary>
public sealed class TraceDeletion(ClickHouseGateway clickHouse, TracingStore store, LatestRows latestRows)
{
    public async Task TombstoneTracesAsync(string projectId, IReadOnlyCollection<string> traceIds, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var existing = await latestRows.ByIdAsync<TraceRow>(EntityTable.Traces, projectId, traceIds.Select(id => ("", id)), ct);
        var found = existing.Select(r => r.Id).ToHashSet();
        var tombstones = existing.Select(r => r with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone, UpdatedAt = now })
            .Concat(traceIds.Where(id => !found.Contains(id)).Select(id => new TraceRow
            {
                ProjectId = projectId, Id = id, Timestamp = now, CreatedAt = now, UpdatedAt = now, FirstSeen = now,
                IsDeleted = 1, FoldVersion = TracingStore.Tombstone,
            }))
            .ToList();
        await store.InsertAsync("traces", tombstones, ct);
    }

    public async Task TombstoneChildrenAsync(string projectId, IReadOnlyCollection<string> traceIds, CancellationToken ct)
    {
        var ids = Sql.InList(traceIds);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var observations = await clickHouse.QueryAsync<ObservationRow>(Sql.Of(
            $"SELECT * FROM observations PREWHERE project_id = {projectId} AND trace_id IN {ids} ORDER BY fold_version DESC LIMIT 1 BY id"), ct);
        var scores = await clickHouse.QueryAsync<ScoreRow>(Sql.Of(
            $"SELECT * FROM scores PREWHERE project_id = {projectId} AND ifNull(trace_id, '') IN {ids} ORDER BY fold_version DESC LIMIT 1 BY id"), ct);
        await store.InsertAsync("observations", observations.Where(o => o.IsDeleted == 0)
            .Select(o => o with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone, UpdatedAt = now }).ToList(), ct);
        await store.InsertAsync("scores", scores.Where(s => s.IsDeleted == 0)
            .Select(s => s with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone, UpdatedAt = now }).ToList(), ct);
    }
}

/// <summary>Wolverine handler (durable local queue): the background half of a trace deletion.</summary>
public static class DeleteTraceDataHandler
{
    public static Task Handle(DeleteTraceData message, TraceDeletion deletion, CancellationToken ct) =>
        deletion.TombstoneChildrenAsync(message.ProjectId, message.TraceIds, ct);
}
