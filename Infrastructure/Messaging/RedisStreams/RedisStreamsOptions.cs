namespace Langfuse.Infrastructure.Messaging.RedisStreams;

/// <summary>One Redis stream consumed by a consumer group. Times are tunable so tests can run in milliseconds.</summary>
public sealed record RedisQueue(string Name)
{
    /// <summary>Entries read per XREADGROUP; they are handled concurrently up to <see cref="Parallelism"/>.</summary>
    public int BatchSize { get; init; } = 64;
    public int Parallelism { get; init; } = 16;
    /// <summary>
    /// Entries held at once are also bounded by their bodies' size (an entry past it waits for running ones to finish;
    /// one always runs). Unbounded unless set.
    /// </summary>
    public long MaxBytesInFlight { get; init; } = long.MaxValue;
    /// <summary>A handler that fails is retried after BackoffBase × 2^(attempt-1), capped at BackoffMax.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>After this many failed deliveries the entry moves to the dead-letter stream with its reason.</summary>
    public int MaxAttempts { get; init; } = 8;
    /// <summary>An entry another consumer has held this long without acknowledging is taken over (that consumer is presumed dead).</summary>
    public TimeSpan ClaimAfter { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How often pending entries are checked for retry or takeover, and stream lengths sampled for metrics.</summary>
    public TimeSpan ReclaimInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Longest wait for new entries when idle; a publish notification wakes consumers earlier.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 20));
        var delay = TimeSpan.FromMilliseconds(BackoffBase.TotalMilliseconds * factor);
        return delay < BackoffMax ? delay : BackoffMax;
    }
}

public sealed class RedisStreamsOptions
{
    public string KeyPrefix { get; set; } = "langfuse:queue:";
    public string ConsumerGroup { get; set; } = "langfuse-workers";
    /// <summary>Unique per process, so a restarted worker never inherits a dead one's identity.</summary>
    public string ConsumerName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    /// <summary>Whether this process consumes (LANGFUSE_SERVICE_ROLE worker or all); publishing always works.</summary>
    public bool Consume { get; set; } = true;

    internal Dictionary<string, RedisQueue> Queues { get; } = new();
    internal Dictionary<Type, string> Routes { get; } = new();
    /// <summary>By an entry's type name, what the consumer hands the handler for its body: the message, or <see cref="Encoded{T}"/>.</summary>
    internal Dictionary<string, Func<byte[], object>> Deliveries { get; } = new();

    /// <summary>Routes <typeparamref name="T"/> to the queue; the queue is created if it is new.</summary>
    public RedisStreamsOptions Route<T>(RedisQueue queue) where T : notnull => Route<T>(queue, body => RedisStreamPublisher.DecodeMessage<T>(body));

    /// <summary>Routes <typeparamref name="T"/> to the queue; its handler receives <see cref="Encoded{T}"/> and decodes it when it needs it.</summary>
    public RedisStreamsOptions RouteEncoded<T>(RedisQueue queue) where T : notnull => Route<T>(queue, body => new Encoded<T>(body));

    RedisStreamsOptions Route<T>(RedisQueue queue, Func<byte[], object> deliver)
    {
        Queues[queue.Name] = queue;
        Routes[typeof(T)] = queue.Name;
        Deliveries[MessageTypeName(typeof(T))] = deliver;
        return this;
    }

    public string StreamKey(string queue) => KeyPrefix + queue;
    public string DeadLetterKey(string queue) => KeyPrefix + queue + ":dead";
    public string FailureKey(string queue) => KeyPrefix + queue + ":failures";
    public string NotifyChannel(string queue) => KeyPrefix + queue + ":notify";

    public static string MessageTypeName(Type type) => type.FullName ?? type.Name;
}
