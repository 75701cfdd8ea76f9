using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace Langfuse.Infrastructure.Messaging.RedisStreams;

/// <summary>Hands a decoded message to its handler; throwing means "not done, deliver again later".</summary>
public delegate Task MessageDispatch(object message, CancellationToken ct);

/// <summary>
/// Consumes one stream through a consumer group with at-least-once delivery:
/// an entry is acknowledged (and deleted) only after its handler succeeded; a failed entry stays pending and is
/// retried with exponential back-off; an entry held too long by another consumer (one that died) is claimed;
/// after <see cref="RedisQueue.MaxAttempts"/> failures caused by the message, or if it cannot be decoded at all, the
/// entry is moved to the dead-letter stream with the reason, so it never blocks the entries behind it.
/// A failure of the surroundings (<see cref="TransientFailure"/>: a store down or hung) never counts: the consumer
/// pauses (reading nothing new), then retries what it holds; once the store answers, everything drains at full speed
/// instead of each entry waiting out its own back-off.
/// </summary>
public sealed class RedisStreamConsumer(
    IConnectionMultiplexer redis, RedisStreamsOptions options, RedisQueue queue, string consumerName,
    MessageDispatch dispatch, ILogger logger)
{
    readonly ConcurrentDictionary<string, byte> _inFlight = new();
    // Entries being handled, at most Parallelism. Reading goes on while they run: waiting for a whole read to finish
    // before the next one left the ingestion worker idle between reads and cut its rounds to whatever arrived first
    // (2,800 events on average at 5,000 events/s offered), so each event paid more per-round queries and parts.
    readonly SemaphoreSlim _slots = new(queue.Parallelism, queue.Parallelism);
    readonly ConcurrentDictionary<Task, byte> _running = new();
    // Bytes of the entries being handled, bounded by RedisQueue.MaxBytesInFlight, and a recent entry's size (the
    // largest lately), which sizes reads so that entries are not held past the bound between read and start.
    long _bytesInFlight;
    long _typicalEntryBytes;
    readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    readonly RedisKey _stream = options.StreamKey(queue.Name);
    readonly RedisKey _dead = options.DeadLetterKey(queue.Name);
    readonly RedisKey _failures = options.FailureKey(queue.Name);
    readonly string _group = options.ConsumerGroup;
    CancellationToken _handlerToken;
    long _pausedUntil; // Stopwatch timestamp; 0 when running
    TimeSpan _pause = TimeSpan.Zero;
    readonly object _pauseLock = new();

    /// <summary>First and longest pause after a transient failure; each failed retry doubles it.</summary>
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250), LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>Whether the consumer is waiting for a store to come back.</summary>
    public bool Paused => Stopwatch.GetTimestamp() < Interlocked.Read(ref _pausedUntil);

    void Pause()
    {
        lock (_pauseLock)
        {
            if (Paused) return; // the entries of one failed round all report the same outage
            _pause = _pause == TimeSpan.Zero ? FirstPause : (_pause * 2 < LongestPause ? _pause * 2 : LongestPause);
            Interlocked.Exchange(ref _pausedUntil, Stopwatch.GetTimestamp() + (long)(_pause.TotalSeconds * Stopwatch.Frequency));
        }
    }

    void Resume()
    {
        if (_pause == TimeSpan.Zero) return;
        lock (_pauseLock)
        {
            if (_pause == TimeSpan.Zero) return;
            _pause = TimeSpan.Zero;
            Interlocked.Exchange(ref _pausedUntil, 0);
        }
        logger.LogInformation("Redis stream {Queue}: the stores answer again; resuming", queue.Name);
    }

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
            if (Paused)
            {
                await Delay(TimeSpan.FromSeconds((Interlocked.Read(ref _pausedUntil) - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency), stop);
                nextReclaim = Stopwatch.GetTimestamp(); // retry what failed during the pause first
                continue;
            }
            try
            {
                if (Stopwatch.GetElapsedTime(nextReclaim) >= TimeSpan.Zero)
                {
                    handled += await ReclaimAsync();
                    nextReclaim = Stopwatch.GetTimestamp() + (long)(queue.ReclaimInterval.TotalSeconds * Stopwatch.Frequency);
                }
                if (_slots.CurrentCount == 0)
                {
                    await WaitForSlotAsync(stop);
                    continue;
                }
                var entries = await redis.GetDatabase().StreamReadGroupAsync(_stream, _group, consumerName, ">", ReadCount());
                await StartAllAsync(entries.Select(e => (e, new Record(PriorAttempts(e), 0, false, ""))).ToList(), stop);
                handled += entries.Length;
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
        await RunningHandlers();
    }

    /// <summary>
    /// On a graceful stop, entries this consumer still holds (their handler failed or was cut short) are put back on
    /// the stream as new entries, so another consumer takes them now instead of after <see cref="RedisQueue.ClaimAfter"/>.
    /// The new entry carries the attempts counted so far: a message that fails at every shutdown still reaches the
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
                    var record = await ReadRecordAsync(db, entry);
                    var tx = db.CreateTransaction();
                    _ = tx.StreamAddAsync(_stream, entry.Values.Where(v => v.Name != PriorAttemptsField)
                        .Append(new NameValueEntry(PriorAttemptsField, record.Attempts)).ToArray());
                    _ = tx.StreamAcknowledgeAsync(_stream, _group, entry.Id);
                    _ = tx.StreamDeleteAsync(_stream, [entry.Id]);
                    _ = tx.HashDeleteAsync(_failures, entry.Id.ToString());
                    await tx.ExecuteAsync();
                }
            }
            if (mine.Length > 0) logger.LogInformation("Redis stream {Queue}: handed {Count} pending entries back on shutdown", queue.Name, mine.Length);
            // Consumer names are per process: without this the group lists every instance that ever ran. Only when
            // nothing is left pending under the name, since deleting a consumer drops its pending entries.
            if ((await db.StreamPendingMessagesAsync(_stream, _group, 1, consumerName)).Length == 0)
                await db.StreamDeleteConsumerAsync(_stream, _group, consumerName);
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

    /// <summary>
    /// What is known of an entry's failures, kept in the failures hash: failures its content caused, takeovers from
    /// consumers that died holding it (both count toward dead-lettering), and whether the last failure was transient.
    /// </summary>
    readonly record struct Record(int Failures, int Takeovers, bool Transient, string Reason)
    {
        public int Attempts => Failures + Takeovers;
        public string Encode() => $"{Failures}|{Takeovers}|{(Transient ? 1 : 0)}|{Reason}";

        public static Record? Decode(string? value)
        {
            var parts = value?.Split('|', 4);
            if (parts is not { Length: 4 } || !int.TryParse(parts[0], out var f) || !int.TryParse(parts[1], out var t)) return null;
            return new Record(f, t, parts[2] == "1", parts[3]);
        }
    }

    async Task<Record> ReadRecordAsync(IDatabase db, StreamEntry entry) =>
        Record.Decode(await db.HashGetAsync(_failures, entry.Id.ToString())) ?? new Record(PriorAttempts(entry), 0, false, "");

    async Task EnsureGroupAsync()
    {
        try { await redis.GetDatabase().StreamCreateConsumerGroupAsync(_stream, _group, "0", createStream: true); }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal)) { }
    }

    int ReadCount()
    {
        var count = Math.Min(queue.BatchSize, _slots.CurrentCount);
        if (queue.MaxBytesInFlight == long.MaxValue) return count;
        if (_typicalEntryBytes == 0) return 1; // the first entry tells their size
        var room = queue.MaxBytesInFlight - Interlocked.Read(ref _bytesInFlight);
        return (int)Math.Clamp(room / _typicalEntryBytes, 1, count);
    }

    /// <summary>
    /// Starts a handler per entry, each in a free slot and within the byte budget (one entry always runs, whatever its
    /// size); returns once all are started, not finished.
    /// </summary>
    async Task StartAllAsync(List<(StreamEntry Entry, Record Record)> entries, CancellationToken stop)
    {
        foreach (var (entry, record) in entries)
        {
            // Marked before the handler starts, so a reclaim scan in between never takes it for a stuck entry.
            if (!_inFlight.TryAdd(entry.Id.ToString(), 0)) continue;
            var bytes = entry["body"].Length();
            _typicalEntryBytes = Math.Max(bytes, _typicalEntryBytes - _typicalEntryBytes / 16);
            try
            {
                while (Interlocked.Read(ref _bytesInFlight) is > 0 and var held && held + bytes > queue.MaxBytesInFlight)
                    await _wake.WaitAsync(stop); // a handler finishing signals it
                await _slots.WaitAsync(stop);
            }
            catch (OperationCanceledException) { _inFlight.TryRemove(entry.Id.ToString(), out _); throw; }
            Interlocked.Add(ref _bytesInFlight, bytes);
            var task = RunOneAsync(entry, record, bytes);
            _running.TryAdd(task, 0);
            _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    async Task RunOneAsync(StreamEntry entry, Record record, long bytes)
    {
        await Task.Yield(); // the reading loop goes on at once
        try { await HandleAsync(entry, record, _handlerToken); }
        catch (OperationCanceledException) when (_handlerToken.IsCancellationRequested) { }
        catch (Exception e)
        {
            // Redis failing while the outcome was recorded: the entry stays pending and is retried or reclaimed.
            logger.LogWarning(e, "Redis stream {Queue}: entry {Id} could not be settled; it stays pending", queue.Name, entry.Id);
        }
        finally
        {
            Interlocked.Add(ref _bytesInFlight, -bytes);
            _slots.Release();
            Signal();
        }
    }

    async Task WaitForSlotAsync(CancellationToken stop)
    {
        try { await _slots.WaitAsync(stop); _slots.Release(); }
        catch (OperationCanceledException) { }
    }

    /// <summary>Handlers still running when reading stops; they have until <see cref="DrainTimeout"/>.</summary>
    Task RunningHandlers() => Task.WhenAll(_running.Keys);

    async Task HandleAsync(StreamEntry entry, Record record, CancellationToken stop)
    {
        var id = entry.Id.ToString();
        try
        {
            var attempt = record.Attempts + 1;
            try
            {
                using var activity = RedisStreamPublisher.Activity.StartActivity("consume " + queue.Name, ActivityKind.Consumer,
                    entry["traceparent"].IsNullOrEmpty ? null : (string?)entry["traceparent"]);
                activity?.SetTag("messaging.message.id", id);
                activity?.SetTag("messaging.delivery.attempt", attempt);
                await dispatch(Deliverable(entry), stop);
            }
            // Decoding failed here or, for an entry delivered encoded, in the handler: retrying cannot help.
            catch (UndecodableMessageException e)
            {
                await DeadLetterAsync(entry, attempt, $"undecodable message: {e.Message}");
                return;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                var reason = $"{e.GetType().Name}: {e.Message}";
                if (TransientFailure.Is(e))
                {
                    // The surroundings failed, not the message: nothing is counted, and the consumer pauses.
                    if (_pause == TimeSpan.Zero) logger.LogWarning("Redis stream {Queue}: a store is unavailable ({Reason}); pausing, and retrying until it answers", queue.Name, reason);
                    Pause();
                    await redis.GetDatabase().HashSetAsync(_failures, id, (record with { Transient = true, Reason = reason }).Encode());
                    return;
                }
                logger.LogWarning("Redis stream {Queue}: entry {Id} failed on attempt {Attempt}: {Reason}", queue.Name, id, attempt, reason);
                var failed = record with { Failures = record.Failures + 1, Transient = false, Reason = reason };
                if (failed.Attempts >= queue.MaxAttempts) await DeadLetterAsync(entry, failed.Attempts, reason);
                else await redis.GetDatabase().HashSetAsync(_failures, id, failed.Encode());
                return;
            }
            Resume();
            var db = redis.GetDatabase();
            var ack = db.CreateTransaction();
            _ = ack.StreamAcknowledgeAsync(_stream, _group, entry.Id);
            _ = ack.StreamDeleteAsync(_stream, [entry.Id]);
            _ = ack.HashDeleteAsync(_failures, id);
            await ack.ExecuteAsync();
        }
        finally { _inFlight.TryRemove(id, out _); }
    }

    /// <summary>What the handler receives for the entry: its message, or the message still encoded (<see cref="RedisStreamsOptions.RouteEncoded{T}"/>).</summary>
    object Deliverable(StreamEntry entry)
    {
        var typeName = (string?)entry["type"];
        if (typeName is null || !options.Deliveries.TryGetValue(typeName, out var deliver))
            throw new UndecodableMessageException(new FormatException(typeName is null ? "no type field" : $"unknown message type {typeName}"));
        return deliver((byte[]?)entry["body"] ?? throw new UndecodableMessageException(new FormatException("no body field")));
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
    async Task<int> ReclaimAsync()
    {
        var db = redis.GetDatabase();
        var pending = await db.StreamPendingMessagesAsync(_stream, _group, 200, RedisValue.Null);
        var due = new List<(StreamEntry, Record)>();
        foreach (var p in pending)
        {
            var id = p.MessageId.ToString();
            if (_inFlight.ContainsKey(id)) continue;
            var mine = p.ConsumerName == consumerName;
            var known = Record.Decode(await db.HashGetAsync(_failures, id));
            // Ours after a transient failure: due now (the pause is over). Ours after a content failure: after its back-off.
            // Another consumer's: it died holding it, or it would have finished or recorded a failure by now.
            var wait = !mine ? Max(queue.Backoff(known?.Failures ?? 1), queue.ClaimAfter)
                : known is { Transient: true } ? TimeSpan.Zero
                : queue.Backoff(Math.Max(1, known?.Failures ?? 1));
            if (p.IdleTimeInMilliseconds < wait.TotalMilliseconds) continue;
            // XCLAIM with the same idle bound: if another consumer claimed it in between, we get nothing back.
            var claimed = await db.StreamClaimAsync(_stream, _group, consumerName, (long)wait.TotalMilliseconds, [p.MessageId]);
            foreach (var entry in claimed)
            {
                if (entry.IsNull) continue;
                var record = known ?? new Record(PriorAttempts(entry), 0, false, "");
                if (!mine && !(known is { Transient: true }))
                {
                    record = record with { Takeovers = record.Takeovers + 1, Reason = record.Reason.Length > 0 ? record.Reason : "no handler finished it (consumer died or timed out)" };
                    if (record.Attempts >= queue.MaxAttempts) { await DeadLetterAsync(entry, record.Attempts, record.Reason); continue; }
                    await db.HashSetAsync(_failures, id, record.Encode());
                }
                due.Add((entry, record));
            }
        }
        if (due.Count > 0) await StartAllAsync(due, _handlerToken);
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
