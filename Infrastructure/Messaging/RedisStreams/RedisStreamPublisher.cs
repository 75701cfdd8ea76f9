using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using StackExchange.Redis;

namespace Langfuse.Infrastructure.Messaging.RedisStreams;

/// <summary>
/// Puts messages on their Redis stream. When <see cref="PublishAsync{T}"/> returns, Redis has the entry
/// (and, with AOF on, will write it to disk within a second); the caller may then acknowledge its own client.
/// </summary>
public sealed class RedisStreamPublisher(IConnectionMultiplexer redis, RedisStreamsOptions options)
{
    // Relaxed escaping: entries are read only by this service, never put into HTML, and event bodies are JSON text full
    // of quotes, which the default encoder writes as \u0022 (six bytes, on its slow path) and this one as \" (a JSON
    // string is escaped the same either way when read). docs/ingestion-profile.md has the measurement.
    // Depth: messages may embed JSON as it came (event bodies, up to the API's 256 levels) inside their own few levels.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 512 };
    public static readonly ActivitySource Activity = new("Langfuse.RedisStreams");

    public async Task<string> PublishAsync<T>(T message) where T : notnull
    {
        if (!options.Routes.TryGetValue(typeof(T), out var queue))
            throw new InvalidOperationException($"No Redis stream is routed for {typeof(T).Name}.");
        using var activity = Activity.StartActivity("publish " + queue, ActivityKind.Producer);
        var body = Encode(message);
        var db = redis.GetDatabase();
        var id = await db.StreamAddAsync(options.StreamKey(queue),
        [
            new NameValueEntry("type", RedisStreamsOptions.MessageTypeName(typeof(T))),
            new NameValueEntry("body", body),
            new NameValueEntry("traceparent", activity?.Id ?? System.Diagnostics.Activity.Current?.Id ?? ""),
        ]);
        // Wake idle consumers now instead of at their next poll; losing this notification only costs latency.
        _ = db.PublishAsync(RedisChannel.Literal(options.NotifyChannel(queue)), "1", CommandFlags.FireAndForget);
        return id.ToString();
    }

    /// <summary>
    /// An entry's body: the message's JSON, gzipped when it is larger than <see cref="CompressAbove"/>. Why: Redis writes
    /// every entry to its append-only file, and rewrites the file with the whole backlog whenever it doubles; a batch of
    /// LLM events is text that gzip's fastest level shrinks several times over (events like the benchmark's: 145 KB to
    /// 25 KB in 0.17 ms). With AOF off, the closed-loop benchmark stored 12–13 % more (two pairs of runs,
    /// docs/ingestion-profile.md); a smaller entry also keeps a backlog during a store outage smaller in Redis' memory.
    /// </summary>
    public static byte[] Encode<T>(T message)
    {
        // The JSON goes to a pooled buffer: only the gzipped entry (a sixth of it) is allocated.
        using var json = PooledBuffers.Rent("queue entry");
        JsonSerializer.Serialize(json, message, Json);
        if (json.Length <= CompressAbove) return json.ToArray();
        var packed = new MemoryStream((int)json.Length / 4);
        json.Position = 0;
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) json.CopyTo(gzip);
        return packed.ToArray();
    }

    /// <summary>The message's JSON from an entry's body; bodies written before compression (or small) are the JSON itself.</summary>
    public static Stream Decode(byte[] body) =>
        // gzip's magic bytes can never start JSON text.
        body is [0x1f, 0x8b, ..] ? new GZipStream(new MemoryStream(body), CompressionMode.Decompress) : new MemoryStream(body);

    /// <exception cref="UndecodableMessageException">The body is not a <typeparamref name="T"/> (not JSON, not gzip, or null).</exception>
    public static T DecodeMessage<T>(byte[] body) where T : notnull
    {
        try
        {
            using var json = Decode(body);
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new FormatException("body is null");
        }
        catch (Exception e) { throw new UndecodableMessageException(e); }
    }

    const int CompressAbove = 1024;

    /// <summary>
    /// Puts a message straight on its queue's dead-letter stream with the reason: what a handler found it could not
    /// process (one poison event of a batch) while the rest of its message succeeded. Replay puts it back on the queue.
    /// </summary>
    public async Task DeadLetterAsync<T>(T message, string reason, string projectId) where T : notnull
    {
        if (!options.Routes.TryGetValue(typeof(T), out var queue))
            throw new InvalidOperationException($"No Redis stream is routed for {typeof(T).Name}.");
        await redis.GetDatabase().StreamAddAsync(options.DeadLetterKey(queue),
        [
            new NameValueEntry("type", RedisStreamsOptions.MessageTypeName(typeof(T))),
            new NameValueEntry("body", Encode(message)),
            new NameValueEntry("project_id", projectId),
            new NameValueEntry("reason", reason),
            new NameValueEntry("attempts", 1),
            new NameValueEntry("failed_at", DateTimeOffset.UtcNow.ToString("O")),
        ]);
    }
}
