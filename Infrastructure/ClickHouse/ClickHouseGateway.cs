using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using Langfuse.Infrastructure.Configuration;

namespace Langfuse.Infrastructure.ClickHouse;

public sealed partial class ClickHouseException(string message, Exception? inner = null, int? httpStatus = null) : Exception(message, inner)
{
    /// <summary>ClickHouse's own error code ("Code: 241, ..."), when the server answered with one.</summary>
    public int? ServerCode { get; } = CodeIn(message) ?? CodeIn(inner?.Message);
    public int? HttpStatus { get; } = httpStatus;

    [System.Text.RegularExpressions.GeneratedRegex(@"Code: (\d+)")]
    private static partial System.Text.RegularExpressions.Regex CodePattern();

    static int? CodeIn(string? text) =>
        text is not null && CodePattern().Match(text) is { Success: true } m && int.TryParse(m.Groups[1].Value, out var code) ? code : null;
}

/// <summary>
/// Who a gateway serves. Each has its own connection pool, so API reads, however many, can never take the
/// connections the ingestion worker writes through; reads also carry ClickHouse's own time and memory limits.
/// </summary>
public sealed record ClickHousePool(string Name, int MaxConnections, TimeSpan Timeout, int? MaxExecutionSeconds = null, long? MaxMemoryBytes = null, int? MaxQueryBytes = null)
{
    /// <summary>
    /// Ingestion's writes and its history reads: a timeout below the queue's takeover time (60 s), no read limits, and
    /// statements of up to 4 MiB: a round asks about all its entities at once.
    /// </summary>
    public static readonly ClickHousePool Ingestion = new("ingestion", 32, TimeSpan.FromSeconds(30), MaxQueryBytes: 4 * 1024 * 1024);

    /// <summary>
    /// How many characters of keys one statement on this pool may carry (<see cref="Sql.Chunks{T}"/>'s maxChars): its
    /// max_query_size (ClickHouse's 256 KiB unless set) at three UTF-8 bytes a character, the most an id's character
    /// or an escaped quote takes, less room for the rest of the statement.
    /// </summary>
    public int MaxKeyChars => KeyCharsWithin(MaxQueryBytes ?? ServerMaxQueryBytes);

    /// <summary><see cref="MaxKeyChars"/> of a pool that keeps ClickHouse's own max_query_size.</summary>
    public static readonly int ServerDefaultKeyChars = KeyCharsWithin(ServerMaxQueryBytes);

    const int ServerMaxQueryBytes = 256 * 1024;
    static int KeyCharsWithin(int maxQueryBytes) => maxQueryBytes / 3 - 4 * 1024;

    public static ClickHousePool Reads(int maxExecutionSeconds, long maxMemoryBytes) =>
        new("reads", 64, TimeSpan.FromSeconds(maxExecutionSeconds + 5), maxExecutionSeconds, maxMemoryBytes);
    /// <summary>Start-up work (migrations) and tools.</summary>
    public static readonly ClickHousePool Admin = new("admin", 8, TimeSpan.FromSeconds(60));
}

/// <summary>
/// All ClickHouse traffic goes through here. It uses only the driver calls that work on both ClickHouse 18.16
/// and current releases (raw results in JSONEachRow, raw-stream inserts, non-queries, ping) and inlines values
/// through <see cref="SqlLiteral"/> instead of server-side parameters, which 18.16 lacks.
/// </summary>
public sealed class ClickHouseGateway : IDisposable
{
    public static readonly ActivitySource Activity = new("Langfuse.ClickHouse");
    static readonly JsonSerializerOptions RowJson = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    readonly ClickHouseClient _client;
    readonly QueryOptions _queryOptions;
    readonly QueryOptions _executeOptions;
    public string Database { get; }
    public ClickHousePool Pool { get; }

    public ClickHouseGateway(LangfuseSettings settings, ClickHousePool pool) : this(settings, settings.ClickHouseDatabase, pool) { }

    public ClickHouseGateway(LangfuseSettings settings, string database, ClickHousePool? pool = null)
    {
        Database = database;
        Pool = pool ?? ClickHousePool.Admin;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // ClickHouse closes an idle keep-alive connection after keep_alive_timeout (3 s on 18.16, 10 s on current
            // releases); a request sent on one it is closing fails to send. Dropping them sooner avoids the race.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2),
            MaxConnectionsPerServer = Pool.MaxConnections,
            AutomaticDecompression = DecompressionMethods.GZip,
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
        var settingsPerQuery = new Dictionary<string, object>
        {
            // The default read buffer is 1 MB per column per part read: a trace lookup touching a few parts of a
            // 30-column table allocated 124 MB for 4,500 rows, and during ingestion those allocations (kernel time
            // as much as user time) were ClickHouse's largest load. 64 KB: 9.7 MB for the same lookup, and scans of
            // a million rows ran 20 % faster here, not slower (measured on both; docs/ingestion-profile.md).
            ["max_read_buffer_size"] = 65536,
        };
        if (Pool.MaxExecutionSeconds is { } seconds) settingsPerQuery["max_execution_time"] = seconds;
        if (Pool.MaxMemoryBytes is { } bytes) settingsPerQuery["max_memory_usage"] = bytes;
        if (Pool.MaxQueryBytes is { } size) settingsPerQuery["max_query_size"] = size;
        _queryOptions = new QueryOptions { CustomSettings = settingsPerQuery };
        // The driver asks for its binary default format, which 18.16 does not know and applies to an INSERT … SELECT
        // (whose SELECT cannot take a FORMAT clause either): statements name one every release knows.
        _executeOptions = new QueryOptions { CustomSettings = new Dictionary<string, object> { ["default_format"] = "TabSeparated" } };
        var url = settings.ClickHouseUrl;
        _client = new ClickHouseClient(new ClickHouseClientSettings
        {
            Host = url.Host,
            Port = (ushort)url.Port,
            Protocol = url.Scheme,
            Database = database,
            Username = settings.ClickHouseUser,
            Password = settings.ClickHousePassword,
            // 18.16 does not know the JSON-type settings the driver sends by default.
            JsonReadMode = JsonReadMode.None,
            JsonWriteMode = JsonWriteMode.None,
            UseCompression = false,
            Timeout = Pool.Timeout,
            HttpClient = new HttpClient(handler) { Timeout = Pool.Timeout },
        });
    }

    sealed record VersionRow(string Version);
    int? _major;

    /// <summary>The server's major version (18 for Debian's 18.16, 25 or 26 for current releases), asked once.</summary>
    public async Task<int> ServerMajorVersionAsync(CancellationToken ct = default)
    {
        if (_major is { } known) return known;
        var text = (await QueryAsync<VersionRow>(Sql.Trusted("SELECT version() AS version"), ct)).Single().Version;
        return (_major = int.Parse(text.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture)).Value;
    }

    /// <summary>
    /// Whether the server merges a FINAL read on several threads (current releases; 18.16 uses one thread, which is
    /// why reads split FINAL work into key ranges there).
    /// </summary>
    public async Task<bool> FinalIsMultiThreadedAsync(CancellationToken ct = default) => await ServerMajorVersionAsync(ct) >= 22;

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try { return await _client.PingAsync(null, ct); }
        catch (Exception) when (!ct.IsCancellationRequested) { return false; }
    }

    public async Task ExecuteAsync(Sql statement, CancellationToken ct = default)
    {
        using var activity = Start("execute", statement.Text);
        try { await _client.ExecuteNonQueryAsync(statement.Text, null, _executeOptions, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { throw Fail(activity, statement.Text, e); }
    }

    /// <summary>Rows of a query, each JSONEachRow line bound to <typeparamref name="T"/> (snake_case column names).</summary>
    public async Task<List<T>> QueryAsync<T>(Sql query, CancellationToken ct = default)
    {
        var rows = new List<T>();
        await foreach (var row in QueryRowsAsync<T>(query, ct)) rows.Add(row);
        return rows;
    }

    /// <summary>Rows of a query as they arrive, for results too large to hold at once.</summary>
    public async IAsyncEnumerable<T> QueryRowsAsync<T>(Sql query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var line in QueryLinesAsync(query, ct))
            yield return JsonSerializer.Deserialize<T>(line, RowJson)!;
    }

    /// <summary>Raw JSONEachRow lines, for callers that map rows themselves.</summary>
    public async IAsyncEnumerable<string> QueryLinesAsync(Sql query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var text = query.Text + " FORMAT JSONEachRow";
        using var activity = Start("query", text);
        ClickHouseRawResult result;
        try { result = await _client.ExecuteRawResultAsync(text, _queryOptions, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { throw Fail(activity, text, e); }
        using (result)
        {
            using var reader = new StreamReader(await result.ReadDecompressedStreamAsync(), Encoding.UTF8);
            while (await reader.ReadLineAsync(ct) is { } line)
                if (line.Length > 0) yield return line;
        }
    }

    /// <summary>
    /// Inserts rows as JSONEachRow (one JSON object per line) that <paramref name="writeRows"/> writes while the request
    /// is sent (chunked): no buffer holds a whole insert. A round's event-log insert is ~14 MB of JSON; buffered, the
    /// inserts of a round kept 16–40 MB of pooled blocks on the large-object heap while the worker drained a backlog.
    /// </summary>
    /// <remarks>
    /// A failure of <paramref name="writeRows"/> itself (a row that cannot be written) is rethrown as it is, not as the
    /// aborted request it causes: callers tell rows at fault from a store at fault by the exception.
    /// </remarks>
    public async Task InsertJsonEachRowAsync(string table, Func<Stream, CancellationToken, Task> writeRows, CancellationToken ct = default)
    {
        using var activity = Start("insert", table);
        Exception? writeFailure = null;
        async Task Write(Stream body, CancellationToken token)
        {
            try { await writeRows(body, token); }
            catch (Exception e) when (e is not IOException and not OperationCanceledException) { writeFailure = e; throw; }
        }
        try
        {
            using var response = await _client.PostStreamAsync($"INSERT INTO {SqlLiteral.Identifier(table)} FORMAT JSONEachRow", Write, false, ct);
            if (!response.IsSuccessStatusCode)
                throw new ClickHouseException($"ClickHouse insert into {table} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}", null, (int)response.StatusCode);
        }
        catch (Exception) when (writeFailure is not null) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(writeFailure); }
        catch (Exception e) when (e is not OperationCanceledException and not ClickHouseException) { throw Fail(activity, table, e); }
    }

    static Activity? Start(string operation, string statement)
    {
        var activity = Activity.StartActivity("clickhouse " + operation, ActivityKind.Client);
        activity?.SetTag("db.system", "clickhouse");
        activity?.SetTag("db.statement", statement.Length > 2000 ? statement[..2000] : statement);
        return activity;
    }

    static ClickHouseException Fail(Activity? activity, string statement, Exception e)
    {
        activity?.SetStatus(ActivityStatusCode.Error, e.Message);
        var head = statement.Length > 200 ? statement[..200] + "…" : statement;
        return new ClickHouseException($"ClickHouse call failed ({e.Message.Trim()}) for: {head}", e);
    }

    public void Dispose() => _client.Dispose();
}
