using System.Text.Json;
using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.Storage;

/// <summary>Told of every batch of rows once ClickHouse holds it; a failure fails the write, which is then retried.</summary>
public interface IWrittenRowsObserver
{
    Task RowsWrittenAsync<T>(string table, IReadOnlyCollection<T> rows, CancellationToken ct);
}

/// <summary>The write side of the tracing tables: the event log and the merged rows.</summary>
/// <remarks>On the ingestion pool of ClickHouse connections, apart from the API's reads.</remarks>
public sealed class TracingStore([FromKeyedServices("ingestion")] ClickHouseGateway clickHouse, IEnumerable<IWrittenRowsObserver> observers)
{
    readonly IWrittenRowsObserver[] _observers = observers.ToArray();

    internal static readonly JsonSerializerOptions RowJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };
    /// <summary>fold_version of a deletion marker: higher than any fold can reach, so no late event revives the row.</summary>
    public const ulong Tombstone = 1UL << 62;

    public async Task InsertAsync<T>(string table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            foreach (var row in rows)
            {
                JsonSerializer.Serialize(writer, row, RowJson);
                writer.Flush();
                buffer.WriteByte((byte)'\n');
            }
        }
        buffer.Position = 0;
        await clickHouse.InsertJsonEachRowAsync(table, buffer, ct);
        foreach (var observer in _observers) await observer.RowsWrittenAsync(table, rows, ct);
    }

    sealed record EntityCount(string EntityId, ulong C);

    /// <summary>How many events the log holds for each entity; reads only the id column, not the bodies.</summary>
    public async Task<Dictionary<string, ulong>> CountsAsync(string projectId, string entityType, IReadOnlyCollection<string> entityIds, CancellationToken ct)
    {
        var result = new Dictionary<string, ulong>();
        foreach (var chunk in Sql.Chunks(entityIds, id => id.Length))
        {
            var ids = Sql.InList(chunk);
            foreach (var row in await clickHouse.QueryAsync<EntityCount>(Sql.Of(
                $"SELECT entity_id, count() AS c FROM ingestion_events WHERE project_id = {projectId} AND entity_type = {entityType} AND entity_id IN {ids} GROUP BY entity_id"), ct))
                result[row.EntityId] = row.C;
        }
        return result;
    }

    sealed record TraceId(string Id);

    /// <summary>Which of the given traces of one project are deleted (their latest row is a tombstone).</summary>
    public async Task<HashSet<string>> DeletedTracesAsync(string projectId, IReadOnlyCollection<string> traceIds, CancellationToken ct)
    {
        var deleted = new HashSet<string>();
        foreach (var chunk in Sql.Chunks(traceIds, id => id.Length))
            foreach (var row in await clickHouse.QueryAsync<TraceId>(Sql.Of(
                $"SELECT DISTINCT id FROM traces PREWHERE project_id = {projectId} AND id IN {Sql.InList(chunk)} WHERE fold_version = {Tombstone}"), ct))
                deleted.Add(row.Id);
        return deleted;
    }

    /// <summary>
    /// Inserts the rows; when ClickHouse refuses them for their content (not for its own state), the rows are split
    /// until the ones it refuses are found, and those are handed to <paramref name="refused"/> while the rest is stored.
    /// </summary>
    public async Task InsertIsolatingAsync<T>(string table, IReadOnlyList<T> rows, Func<T, string, Task> refused, CancellationToken ct)
    {
        try { await InsertAsync(table, rows, ct); }
        catch (Exception e) when (!Infrastructure.Messaging.TransientFailure.Is(e) && !ct.IsCancellationRequested)
        {
            if (rows.Count == 1) { await refused(rows[0], e.Message); return; }
            var half = rows.Count / 2;
            await InsertIsolatingAsync(table, rows.Take(half).ToList(), refused, ct);
            await InsertIsolatingAsync(table, rows.Skip(half).ToList(), refused, ct);
        }
    }

    sealed record QuarantineRow(string ProjectId, string EntityType, string EntityId, string EventId, byte State, string Reason, long ChangedAt);
    sealed record QuarantinedId(string EntityId, string EventId);

    /// <summary>Marks events as quarantined (later folds leave them out) or, with a null reason, releases them.</summary>
    public Task SetQuarantineAsync(IReadOnlyCollection<EventLogRow> events, string? reason, CancellationToken ct) =>
        InsertAsync("quarantined_events", events.Select(e => new QuarantineRow(e.ProjectId, e.EntityType, e.EntityId, e.EventId,
            reason is null ? (byte)0 : (byte)1, reason ?? "", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ToList(), ct);

    /// <summary>The quarantined events of the given entities, as (entity id, event id).</summary>
    public async Task<HashSet<(string EntityId, string EventId)>> QuarantinedAsync(string projectId, string entityType, IReadOnlyCollection<string> entityIds, CancellationToken ct)
    {
        var result = new HashSet<(string, string)>();
        foreach (var chunk in Sql.Chunks(entityIds, id => id.Length))
            foreach (var row in await clickHouse.QueryAsync<QuarantinedId>(Sql.Of(
                $"SELECT entity_id, event_id FROM quarantined_events WHERE project_id = {projectId} AND entity_type = {entityType} AND entity_id IN {Sql.InList(chunk)} GROUP BY entity_id, event_id HAVING argMax(state, changed_at) = 1"), ct))
                result.Add((row.EntityId, row.EventId));
        return result;
    }

    /// <summary>Every logged event of the given entities of one project, for folding.</summary>
    public async Task<List<EventLogRow>> HistoryAsync(string projectId, string entityType, IReadOnlyCollection<string> entityIds, CancellationToken ct)
    {
        var result = new List<EventLogRow>();
        foreach (var chunk in Sql.Chunks(entityIds, id => id.Length))
        {
            var ids = Sql.InList(chunk);
            var rows = await clickHouse.QueryAsync<EventLogRow>(Sql.Of(
                $"SELECT project_id, entity_type, entity_id, event_id, event_type, event_ts, received_at, body FROM ingestion_events WHERE project_id = {projectId} AND entity_type = {entityType} AND entity_id IN {ids}"), ct);
            result.AddRange(rows);
        }
        return result;
    }
}
