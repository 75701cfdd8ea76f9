using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using StackExchange.Redis;

namespace Langfuse.Infrastructure.Messaging.RedisStreams;

/// <summary>Hands a decoded message to its handler; throwing means "not done, deliver again later".</summary>
public delegate Task MessageDispatch(object message, CancellationToken ct);

/// <summary>
/// Consumes one stream through a consumer group with at-least-once delivery:
/// an entry is acknowledged (and deleted) only after its handler succeeded; a failed entry stays pending and is
/// retried with exponential back-off; an entry held too long by another consumer (one that died) is claimed;
/// after <see cref="RedisQueue.MaxAttempts"/> failures, or if it cannot be decoded at all, the entry is moved
/// to the dead-letter stream with the reason, so it never blocks the entries behind it.
/// </summary>
public sealed class RedisStreamConsumer(
    IConnectionMultiplexer redis, RedisStreamsOptions options, RedisQueue queue, string consumerName,
    MessageDispatch dispatch, ILogger logger)
{
    readonly ConcurrentDictionary<string, byte> _inFlight = new();
    readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    readonly RedisKey _stream = options.StreamKey(queue.Name);
    readonly RedisKey _dead = options.DeadLetterKey(queue.Name);
    readonly RedisKey _failures = options.FailureKey(queue.Name);
    readonly string _group = options.ConsumerGroup;
    CancellationToken _handlerToken;

    public string ConsumerName => consumerName;

    /// <summary>How long handlers already running may take to finish once the consumer is asked to stop.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Reads until <paramref name="stop"/>; then stops reading and lets handlers in flight finish (up to
    /// <see cref="DrainTimeout"/>) so a graceful shutdown leaves nothing pending for another consumer to reclaim.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var handlers = new CancellationTokenSource();
        await using var drain = stop.Register(() => handlers.CancelAfter(DrainTimeout));
        _handlerToken = handlers.Token;
        var subscriber = redis.GetSubscriber();
        await SafeAsync(() => subscriber.SubscribeAsync(RedisChannel.Literal(options.NotifyChannel(queue.Name)), (_, _) => Signal()), stop);
        await SafeAsync(EnsureGroupAsync, stop);
        var nextReclaim = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                if (Stopwatch.GetElapsedTime(nextReclaim) >= TimeSpan.Zero)
                {
                    handled += await ReclaimAsync(stop);
                    nextReclaim = Stopwatch.GetTimestamp() + (long)(queue.ReclaimInterval.TotalSeconds * Stopwatch.Frequency);
                }
                var entries = await redis.GetDatabase().StreamReadGroupAsync(_stream, _group, consumerName, ">", queue.BatchSize);
                if (entries.Length > 0)
                {
                    await HandleAllAsync(entries.Select(e => (e, PriorAttempts(e) + 1)).ToList(), _handlerToken);
                    handled += entries.Length;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                await SafeAsync(EnsureGroupAsync, stop); // the stream was deleted (FLUSHALL, manual clean-up)
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Redis stream {Queue}: consumer loop error, retrying", queue.Name);
                await Delay(TimeSpan.FromSeconds(1), stop);
                continue;
            }
            if (handled == 0 && !stop.IsCancellationRequested)
            {
                var untilReclaim = TimeSpan.FromSeconds((nextReclaim - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
                var wait = untilReclaim < queue.IdlePoll ? untilReclaim : queue.IdlePoll;
                try { if (wait > TimeSpan.Zero) await _wake.WaitAsync(wait, stop); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>
    /// On a graceful stop, entries this consumer still holds (their handler failed or was cut short) are put back on
    /// the stream as new entries, so another consumer takes them now instead of after <see cref="RedisQueue.ClaimAfter"/>.
    /// The new entry carries the attempts made so far: a message that fails at every shutdown still reaches the
    /// dead-letter stream after <see cref="RedisQueue.MaxAttempts"/>.
    /// </summary>
    public async Task HandOffPendingAsync()
    {
        try
        {
            var db = redis.GetDatabase();
            var mine = await db.StreamPendingMessagesAsync(_stream, _group, 1000, consumerName);
            foreach (var p in mine)
            {
                if (_inFlight.ContainsKey(p.MessageId.ToString())) continue;
                var entries = await db.StreamClaimAsync(_stream, _group, consumerName, 0, [p.MessageId]);
                foreach (var entry in entries.Where(e => !e.IsNull))
                {
                    var tx = db.CreateTransaction();
                    _ = tx.StreamAddAsync(_stream, entry.Values.Where(v => v.Name != PriorAttemptsField)
                        .Append(new NameValueEntry(PriorAttemptsField, PriorAttempts(entry) + p.DeliveryCount)).ToArray());
                    _ = tx.StreamAcknowledgeAsync(_stream, _group, entry.Id);
                    _ = tx.StreamDeleteAsync(_stream, [entry.Id]);
                    await tx.ExecuteAsync();
                }
            }
            if (mine.Length > 0) logger.LogInformation("Redis stream {Queue}: handed {Count} pending entries back on shutdown", queue.Name, mine.Length);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis stream {Queue}: could not hand back pending entries ({Error}); they will be claimed later", queue.Name, e.Message);
        }
    }

    void Signal() { if (_wake.CurrentCount == 0) _wake.Release(); }

    const string PriorAttemptsField = "prior_attempts";

    /// <summary>Attempts made on earlier entries of the same message (handed back on shutdown).</summary>
    static int PriorAttempts(StreamEntry entry) => int.TryParse((string?)entry[PriorAttemptsField], out var n) ? n : 0;

    async Task EnsureGroupAsync()
    {
        try { await redis.GetDatabase().StreamCreateConsumerGroupAsync(_stream, _group, "0", createStream: true); }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal)) { }
    }

    async Task HandleAllAsync(List<(StreamEntry Entry, int Attempt)> entries, CancellationToken stop)
    {
        using var gate = new SemaphoreSlim(queue.Parallelism);
        await Task.WhenAll(entries.Select(async item =>
        {
            await gate.WaitAsync(stop);
            try { await HandleAsync(item.Entry, item.Attempt, stop); }
            finally { gate.Release(); }
        }));
    }

    async Task HandleAsync(StreamEntry entry, int attempt, CancellationToken stop)
    {
        var id = entry.Id.ToString();
        if (!_inFlight.TryAdd(id, 0)) return;
        try
        {
            object message;
            try { message = Decode(entry); }
            catch (Exception e)
            {
                await DeadLetterAsync(entry, attempt, $"undecodable message: {e.Message}");
                return;
            }
            try
            {
                using var activity = RedisStreamPublisher.Activity.StartActivity("consume " + queue.Name, ActivityKind.Consumer,
                    entry["traceparent"].IsNullOrEmpty ? null : (string?)entry["traceparent"]);
                activity?.SetTag("messaging.message.id", id);
                activity?.SetTag("messaging.delivery.attempt", attempt);
                await dispatch(message, stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                var reason = $"{e.GetType().Name}: {e.Message}";
                logger.LogWarning("Redis stream {Queue}: entry {Id} failed on attempt {Attempt}: {Reason}", queue.Name, id, attempt, reason);
                if (attempt >= queue.MaxAttempts) await DeadLetterAsync(entry, attempt, reason);
                else await redis.GetDatabase().HashSetAsync(_failures, id, reason);
                return;
            }
            var db = redis.GetDatabase();
            var ack = db.CreateTransaction();
            _ = ack.StreamAcknowledgeAsync(_stream, _group, entry.Id);
            _ = ack.StreamDeleteAsync(_stream, [entry.Id]);
            _ = ack.HashDeleteAsync(_failures, id);
            await ack.ExecuteAsync();
        }
        finally { _inFlight.TryRemove(id, out _); }
    }

    object Decode(StreamEntry entry)
    {
        var typeName = (string?)entry["type"] ?? throw new FormatException("no type field");
        if (!options.MessageTypes.TryGetValue(typeName, out var type)) throw new FormatException($"unknown message type {typeName}");
        var body = (byte[]?)entry["body"] ?? throw new FormatException("no body field");
        return JsonSerializer.Deserialize(body, type, RedisStreamPublisher.Json) ?? throw new FormatException("body is null");
    }

    async Task DeadLetterAsync(StreamEntry entry, int attempts, string reason)
    {
        logger.LogError("Redis stream {Queue}: entry {Id} dead-lettered after {Attempts} attempt(s): {Reason}", queue.Name, entry.Id, attempts, reason);
        var fields = entry.Values.Where(v => v.Name != "reason" && v.Name != "attempts" && v.Name != PriorAttemptsField).ToList();
        fields.Add(new NameValueEntry("original_id", entry.Id));
        fields.Add(new NameValueEntry("reason", reason));
        fields.Add(new NameValueEntry("attempts", attempts));
        fields.Add(new NameValueEntry("failed_at", DateTimeOffset.UtcNow.ToString("O")));
        var tx = redis.GetDatabase().CreateTransaction();
        _ = tx.StreamAddAsync(_dead, fields.ToArray());
        _ = tx.StreamAcknowledgeAsync(_stream, _group, entry.Id);
        _ = tx.StreamDeleteAsync(_stream, [entry.Id]);
        _ = tx.HashDeleteAsync(_failures, entry.Id.ToString());
        await tx.ExecuteAsync();
    }

    /// <summary>Retries this consumer's failed entries once their back-off has passed, and takes over entries of dead consumers.</summary>
    async Task<int> ReclaimAsync(CancellationToken stop)
    {
        var db = redis.GetDatabase();
        var pending = await db.StreamPendingMessagesAsync(_stream, _group, 200, RedisValue.Null);
        var due = new List<(StreamEntry, int)>();
        foreach (var p in pending)
        {
            var id = p.MessageId.ToString();
            if (_inFlight.ContainsKey(id)) continue;
            var mine = p.ConsumerName == consumerName;
            var wait = mine ? queue.Backoff(p.DeliveryCount) : Max(queue.Backoff(p.DeliveryCount), queue.ClaimAfter);
            if (p.IdleTimeInMilliseconds < wait.TotalMilliseconds) continue;
            // XCLAIM with the same idle bound: if another consumer claimed it in between, we get nothing back.
            var claimed = await db.StreamClaimAsync(_stream, _group, consumerName, (long)wait.TotalMilliseconds, [p.MessageId]);
            foreach (var entry in claimed)
            {
                if (entry.IsNull) continue;
                var attempts = PriorAttempts(entry) + p.DeliveryCount;
                if (attempts >= queue.MaxAttempts)
                {
                    var reason = (string?)await db.HashGetAsync(_failures, id) ?? "no handler finished it (consumer died or timed out)";
                    await DeadLetterAsync(entry, attempts, reason);
                }
                else due.Add((entry, attempts + 1));
            }
        }
        if (due.Count > 0) await HandleAllAsync(due, _handlerToken);
        return due.Count;
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    static async Task Delay(TimeSpan delay, CancellationToken ct)
    {
        try { await Task.Delay(delay, ct); } catch (OperationCanceledException) { }
    }

    async Task SafeAsync(Func<Task> action, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try { await action(); return; }
            catch (Exception e)
            {
                logger.LogWarning("Redis stream {Queue}: {Error}; retrying in 1s", queue.Name, e.Message);
                await Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
    }
}
