using System.Text.Json.Serialization;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure;
using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Ingestion.Processing;

/// <summary>One accepted event as the log holds it: the source of truth that merged rows are folded from. The body is UTF-8 JSON text.</summary>
public sealed record EventLogRow(
    string ProjectId, string EntityType, string EntityId, string EventId, string EventType,
    long EventTs, long ReceivedAt, [property: JsonConverter(typeof(Utf8StringConverter))] byte[] Body);

/// <summary>
/// The ingestion event log (<c>ingestion_events</c>) and its quarantine marks: only the worker's rounds read and
/// write them, so they live with ingestion; the rows folded from them are written through the tracing tables' store.
/// </summary>
/// <remarks>On the ingestion pool of ClickHouse connections, apart from the API's reads.</remarks>
public sealed class EventLog([FromKeyedServices("ingestion")] ClickHouseGateway clickHouse, TracingStore rows)
{
    /// <summary>Appends events; those ClickHouse refuses for their content are handed to <paramref name="refused"/>.</summary>
    public Task AppendAsync(IReadOnlyList<EventLogRow> events, Func<EventLogRow, string, Task> refused, CancellationToken ct) =>
        rows.InsertIsolatingAsync("ingestion_events", events, refused, ct);

    sealed record EntityCount(string EntityType, string EntityId, ulong C);

    /// <summary>
    /// How many events the log holds for each of the given entities of one project, whatever their types; reads only
    /// the key columns, not the bodies. One statement for the whole round where ids allow: a round's random ids touch
    /// nearly every granule of the project's log, so each statement reads it all, and three statements of 2,000 ids
    /// cost ClickHouse ~2.5 times one of 6,000 (190–220 ms against 85–105 ms over 551,000 events;
    /// docs/ingestion-profile.md).
    /// </summary>
    public async Task<Dictionary<(string EntityType, string EntityId), ulong>> CountsAsync(string projectId, IReadOnlyCollection<(string EntityType, string EntityId)> entities, CancellationToken ct)
    {
        var types = Sql.InList(entities.Select(e => e.EntityType).Distinct().ToList());
        var chunks = Sql.Chunks(entities.Select(e => e.EntityId).Distinct(), id => id.Length, maxKeys: int.MaxValue, maxChars: clickHouse.Pool.MaxKeyChars);
        var answers = await Task.WhenAll(chunks.Select(chunk => clickHouse.QueryAsync<EntityCount>(Sql.Of(
            $"SELECT entity_type, entity_id, count() AS c FROM ingestion_events WHERE project_id = {projectId} AND entity_type IN {types} AND entity_id IN {Sql.InList(chunk)} GROUP BY entity_type, entity_id"), ct)));
        var result = new Dictionary<(string, string), ulong>();
        foreach (var row in answers.SelectMany(a => a)) result[(row.EntityType, row.EntityId)] = row.C;
        return result;
    }

    sealed record LoggedEntity(string EntityType, string EntityId);

    /// <summary>
    /// Every entity the log holds events of for one project (an entity with several events may come several times), for
    /// rebuilding the project's <see cref="KnownEntities"/> set.
    /// </summary>
    public IAsyncEnumerable<(string EntityType, string EntityId)> LoggedEntitiesAsync(string projectId, CancellationToken ct) =>
        clickHouse.ProjectRowsAsync<LoggedEntity>("ingestion_events", "toYYYYMM(toDateTime(intDiv(received_at, 1000)))", projectId,
            "entity_type, entity_id", "entity_id", ct).Select(e => (e.EntityType, e.EntityId));

    sealed record QuarantineRow(string ProjectId, string EntityType, string EntityId, string EventId, byte State, string Reason, long ChangedAt);
    sealed record QuarantinedId(string EntityId, string EventId);

    /// <summary>Marks events as quarantined (later folds leave them out) or, with a null reason, releases them.</summary>
    public Task SetQuarantineAsync(IReadOnlyCollection<EventLogRow> events, string? reason, CancellationToken ct) =>
        rows.InsertAsync("quarantined_events", events.Select(e => new QuarantineRow(e.ProjectId, e.EntityType, e.EntityId, e.EventId,
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
            result.AddRange(await clickHouse.QueryAsync<EventLogRow>(Sql.Of(
                $"SELECT project_id, entity_type, entity_id, event_id, event_type, event_ts, received_at, body FROM ingestion_events WHERE project_id = {projectId} AND entity_type = {entityType} AND entity_id IN {ids}"), ct));
        }
        return result;
    }
}
