using Langfuse.Features.Ingestion;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.ClickHouse;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Langfuse.Features.Tracing.DeleteTraces;

/// <summary>
/// Queued after a deletion of traces (with everything under them) or of scores: tombstones the children and erases
/// the deleted content from every table ClickHouse keeps, the event log included.
/// </summary>
public sealed record DeleteTraceData(string ProjectId, List<string> TraceIds, List<string>? ScoreIds = null);

/// <summary>
/// Deletion by tombstone: a row with is_deleted = 1 and a fold_version no fold can reach, so every read (which takes
/// the highest fold_version) drops the entity at once and a late event cannot bring it back. Tombstones carry no input,
/// output or metadata; the older row versions and the logged events that held them are then deleted
/// (<see cref="EraseAsync"/>), so deleted content is gone from ClickHouse, not only hidden.
/// </summary>
public sealed class TraceDeletion(ClickHouseGateway clickHouse, TracingStore store, LatestRows latestRows)
{
    /// <summary>The traces vanish from every read now; their observations and scores are erased by the durable message's handler.</summary>
    public async Task DeleteAsync(string projectId, IReadOnlyCollection<string> traceIds, Wolverine.IMessageBus bus, CancellationToken ct)
    {
        await TombstoneTracesAsync(projectId, traceIds, ct);
        await bus.PublishAsync(new DeleteTraceData(projectId, traceIds.ToList()));
    }

    public async Task TombstoneTracesAsync(string projectId, IReadOnlyCollection<string> traceIds, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var existing = await latestRows.ByIdAsync<TraceRow>(EntityTable.Traces, projectId, traceIds.Select(id => ("", id)), ct);
        var found = existing.Select(r => r.Id).ToHashSet();
        var tombstones = existing.Select(r => Tombstones.Of(r, now))
            .Concat(traceIds.Where(id => !found.Contains(id)).Select(id => new TraceRow
            {
                ProjectId = projectId, Id = id, Timestamp = now, CreatedAt = now, UpdatedAt = now, FirstSeen = now,
                IsDeleted = 1, FoldVersion = TracingStore.Tombstone,
            }))
            .ToList();
        await store.InsertAsync("traces", tombstones, ct);
    }

    public async Task TombstoneScoreAsync(ScoreRow score, CancellationToken ct) =>
        await store.InsertAsync("scores", [Tombstones.Of(score, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())], ct);

    /// <summary>The background half: children tombstoned, then everything erased; in chunks that fit ClickHouse's query size.</summary>
    public async Task CompleteAsync(DeleteTraceData message, CancellationToken ct)
    {
        foreach (var chunk in Sql.Chunks(message.TraceIds, id => id.Length, maxKeys: 500))
            await TombstoneChildrenAndEraseAsync(message.ProjectId, chunk, ct);
        if (message.ScoreIds is { Count: > 0 } scoreIds)
            foreach (var chunk in Sql.Chunks(scoreIds, id => id.Length, maxKeys: 500))
            {
                await EraseAsync("scores", Sql.Of($"project_id = {message.ProjectId} AND id IN {Sql.InList(chunk)}"), ct);
                await EraseLogAsync(message.ProjectId, EntityTypes.Score, chunk, ct);
            }
        await WaitForMutationsAsync(ct);
    }

    async Task TombstoneChildrenAndEraseAsync(string projectId, IReadOnlyCollection<string> traceIds, CancellationToken ct)
    {
        var ids = Sql.InList(traceIds);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var observations = await clickHouse.QueryAsync<ObservationRow>(Sql.Of(
            $"SELECT * FROM observations PREWHERE project_id = {projectId} AND trace_id IN {ids} ORDER BY fold_version DESC LIMIT 1 BY id"), ct);
        var scores = await clickHouse.QueryAsync<ScoreRow>(Sql.Of(
            $"SELECT * FROM scores PREWHERE project_id = {projectId} AND ifNull(trace_id, '') IN {ids} ORDER BY fold_version DESC LIMIT 1 BY id"), ct);
        await store.InsertAsync("observations", observations.Where(o => o.IsDeleted == 0 || o.Input is not null || o.Output is not null || o.MetadataKeys.Length > 0)
            .Select(o => Tombstones.Of(o, now)).ToList(), ct);
        await store.InsertAsync("scores", scores.Where(s => s.IsDeleted == 0 || s.Comment is not null || s.MetadataKeys.Length > 0)
            .Select(s => Tombstones.Of(s, now)).ToList(), ct);

        await EraseAsync("traces", Sql.Of($"project_id = {projectId} AND id IN {ids}"), ct);
        await EraseAsync("observations", Sql.Of($"project_id = {projectId} AND trace_id IN {ids}"), ct);
        await EraseAsync("scores", Sql.Of($"project_id = {projectId} AND ifNull(trace_id, '') IN {ids}"), ct);
        await MutateIfAnyAsync(Sql.Trusted("trace_figures"), Sql.Of($"project_id = {projectId} AND trace_id IN {ids}"), ct);
        await EraseLogAsync(projectId, EntityTypes.Trace, traceIds, ct);
        await EraseLogAsync(projectId, EntityTypes.Observation, observations.Select(o => o.Id).ToList(), ct);
        await EraseLogAsync(projectId, EntityTypes.Score, scores.Select(s => s.Id).ToList(), ct);
    }

    /// <summary>
    /// Every row version but the tombstone: the tombstone keeps the entity hidden from reads and late events. A mutation
    /// rewrites every part it touches (on 18.16, every part of the table), so one is issued only when there is
    /// something to erase: a retried job, or a deletion of ids that never had rows, costs a count, not a rewrite.
    /// </summary>
    Task EraseAsync(string table, Sql where, CancellationToken ct) =>
        MutateIfAnyAsync(Sql.Trusted(SqlLiteral.Identifier(table)), Sql.Of($"{where} AND fold_version != {TracingStore.Tombstone}"), ct);

    async Task MutateIfAnyAsync(Sql table, Sql where, CancellationToken ct)
    {
        if ((await clickHouse.QueryAsync<Pending>(Sql.Of($"SELECT count() AS n FROM {table} WHERE {where}"), ct)).Single().N == 0) return;
        await clickHouse.ExecuteAsync(Sql.Of($"ALTER TABLE {table} DELETE WHERE {where}"), ct);
    }

    async Task EraseLogAsync(string projectId, string entityType, IReadOnlyCollection<string> entityIds, CancellationToken ct)
    {
        foreach (var chunk in Sql.Chunks(entityIds, id => id.Length, maxKeys: 500))
            await MutateIfAnyAsync(Sql.Trusted("ingestion_events"), Sql.Of($"project_id = {projectId} AND entity_type = {entityType} AND entity_id IN {Sql.InList(chunk)}"), ct);
    }

    /// <summary>Everything of one deleted project, in every table (no tombstones: nothing of the project is read again).</summary>
    public async Task EraseProjectAsync(string projectId, CancellationToken ct)
    {
        // A mutation rewrites every part it touches: only tables that hold rows of the project get one (most deleted
        // projects are small or empty, and the second sweep usually finds nothing).
        var erased = false;
        foreach (var table in new[] { "traces", "observations", "scores", "trace_figures", "ingestion_events", "quarantined_events" })
        {
            var name = Sql.Trusted(SqlLiteral.Identifier(table));
            if ((await clickHouse.QueryAsync<Pending>(Sql.Of($"SELECT count() AS n FROM {name} WHERE project_id = {projectId}"), ct)).Single().N == 0) continue;
            await clickHouse.ExecuteAsync(Sql.Of($"ALTER TABLE {name} DELETE WHERE project_id = {projectId}"), ct);
            erased = true;
        }
        if (erased) await WaitForMutationsAsync(ct);
    }

    sealed record Pending(ulong N);

    /// <summary>
    /// ClickHouse applies ALTER … DELETE in the background (18.16 has no mutations_sync): the job is done only when no
    /// mutation of these tables is left, so a retried job never reports an erasure that has not happened.
    /// </summary>
    async Task WaitForMutationsAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var pending = (await clickHouse.QueryAsync<Pending>(Sql.Of(
                $"SELECT count() AS n FROM system.mutations WHERE database = {clickHouse.Database} AND table IN ('traces', 'observations', 'scores', 'ingestion_events', 'quarantined_events') AND is_done = 0"), ct)).Single().N;
            if (pending == 0) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{pending} ClickHouse mutation(s) still running after 10 minutes");
            await Task.Delay(delay, ct);
            if (delay < TimeSpan.FromSeconds(2)) delay *= 2;
        }
    }
}

/// <summary>Wolverine handler (durable local queue): the background half of a deletion, retried until it is done.</summary>
public static class DeleteTraceDataHandler
{
    /// <summary>A deletion must complete: every failure (a store down, a mutation still running) is retried later, durably.</summary>
    public static void Configure(HandlerChain chain) =>
        chain.OnAnyException().ScheduleRetryIndefinitely(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));

    public static Task Handle(DeleteTraceData message, TraceDeletion deletion, CancellationToken ct) => deletion.CompleteAsync(message, ct);
}
