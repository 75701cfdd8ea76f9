using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Langfuse.Infrastructure;
using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.Tables;

/// <summary>Told of every batch of rows once ClickHouse holds it; a failure fails the write, which is then retried.</summary>
public interface IWrittenRowsObserver
{
    Task RowsWrittenAsync<T>(string table, IReadOnlyCollection<T> rows, CancellationToken ct);
}

/// <summary>Writes the merged rows of the tracing tables (traces, observations, scores), for ingestion and deletion alike.</summary>
/// <remarks>On the ingestion pool of ClickHouse connections, apart from the API's reads.</remarks>
public sealed class TracingStore([FromKeyedServices("ingestion")] ClickHouseGateway clickHouse, IEnumerable<IWrittenRowsObserver> observers)
{
    readonly IWrittenRowsObserver[] _observers = observers.ToArray();

    internal static readonly JsonSerializerOptions RowJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
        // ClickHouse reads \" and raw UTF-8 as it reads \u0022 and \u00e9, and these rows never reach HTML: relaxed
        // escaping writes fewer bytes for ClickHouse to parse and skips the default encoder's slow path.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // An omitted field takes its column's default, which for these tables (no DEFAULT expressions) is what the
        // nulls and empty arrays said: NULL for a Nullable column, [] for an array. ClickHouse takes in an insert at a
        // cost per byte; the nulls and empty arrays were ~40 % of an observation row's bytes in the benchmark.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyArrays } },
    };

    /// <summary>Leaves out empty arrays (not byte arrays: those are text, and empty text is not NULL).</summary>
    static void OmitEmptyArrays(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in type.Properties)
            if (property.PropertyType.IsArray && property.PropertyType != typeof(byte[]))
                property.ShouldSerialize = static (_, value) => value is not Array { Length: 0 };
    }

    /// <summary>fold_version of a deletion marker: higher than any fold can reach, so no late event revives the row.</summary>
    public const ulong Tombstone = 1UL << 62;

    public async Task InsertAsync<T>(string table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await clickHouse.InsertJsonEachRowAsync(table, (body, token) => WriteRowsAsync(body, rows, token), ct);
        foreach (var observer in _observers) await observer.RowsWrittenAsync(table, rows, ct);
    }

    /// <summary>Sends about this many bytes of rows at a time (under the large-object heap's 85,000).</summary>
    const int SendBytes = 64 * 1024;

    static async Task WriteRowsAsync<T>(Stream body, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        using var buffer = new RentedBufferWriter(SendBytes + 8 * 1024);
        // A writer of our own ignores RowJson's encoder: it takes its own (with the default one, every quote and every
        // non-ASCII character of the string columns went through the escaping slow path, 3 % of the service's samples).
        // Texts held as UTF-8 (bodies, inputs, outputs) bypass the encoder altogether: Utf8StringConverter escapes them.
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = RowJson.Encoder });
        foreach (var row in rows)
        {
            JsonSerializer.Serialize(writer, row, RowJson);
            writer.Flush();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
            if (buffer.WrittenCount < SendBytes) continue;
            await body.WriteAsync(buffer.WrittenMemory, ct);
            buffer.Clear();
        }
        if (buffer.WrittenCount > 0) await body.WriteAsync(buffer.WrittenMemory, ct);
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
}
