using System.Collections.Concurrent;
using Langfuse.Infrastructure.Messaging.RedisStreams;
using Langfuse.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Langfuse.Tests.Foundation;

/// <summary>The Redis Streams transport against the real Redis, each test on its own stream keys.</summary>
public sealed class RedisStreamTransportTests : IAsyncLifetime
{
    IConnectionMultiplexer _redis = null!;
    readonly RedisStreamsOptions _options = new() { KeyPrefix = $"test:{Guid.NewGuid():N}:" };
    readonly RedisQueue _queue = new("probe")
    {
        BackoffBase = TimeSpan.FromMilliseconds(20),
        BackoffMax = TimeSpan.FromMilliseconds(100),
        ClaimAfter = TimeSpan.FromMilliseconds(300),
        ReclaimInterval = TimeSpan.FromMilliseconds(50),
        IdlePoll = TimeSpan.FromMilliseconds(100),
        MaxAttempts = 3,
    };
    readonly CancellationTokenSource _stop = new();

    public async Task InitializeAsync()
    {
        var (host, port) = TestStores.RedisEndpoint;
        _redis = await ConnectionMultiplexer.ConnectAsync($"{host}:{port}");
        _options.Route<TransportProbe>(_queue);
    }

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        var db = _redis.GetDatabase();
        await db.KeyDeleteAsync([_options.StreamKey("probe"), _options.DeadLetterKey("probe"), _options.FailureKey("probe")]);
        await _redis.DisposeAsync();
    }

    Task Consume(string name, MessageDispatch dispatch, CancellationToken ct) =>
        Task.Run(() => new RedisStreamConsumer(_redis, _options, _queue, name, dispatch, NullLogger.Instance).RunAsync(ct));

    async Task<StreamPendingInfo> Pending() => await _redis.GetDatabase().StreamPendingAsync(_options.StreamKey("probe"), _options.ConsumerGroup);

    [Fact]
    public async Task Delivers_each_message_and_acknowledges_it()
    {
        var seen = new ConcurrentBag<string>();
        _ = Consume("c1", (m, _) => { seen.Add(((TransportProbe)m).Id); return Task.CompletedTask; }, _stop.Token);
        var publisher = new RedisStreamPublisher(_redis, _options);
        for (var i = 0; i < 50; i++) await publisher.PublishAsync(new TransportProbe($"m{i}", "x"));

        await Eventually.Async(() => Task.FromResult(seen.Count >= 50), TimeSpan.FromSeconds(10), "not all messages were delivered");
        seen.Distinct().Count().ShouldBe(50);
        await Eventually.Async(async () => (await _redis.GetDatabase().StreamLengthAsync(_options.StreamKey("probe"))) == 0,
            TimeSpan.FromSeconds(5), "acknowledged entries were not removed from the stream");
        (await Pending()).PendingMessageCount.ShouldBe(0);
    }

    [Fact]
    public async Task Redelivers_to_another_consumer_after_one_dies_without_acknowledging()
    {
        var firstGotIt = new TaskCompletionSource();
        using var killFirst = new CancellationTokenSource();
        // The first consumer takes the message and never finishes: it "dies" holding it.
        _ = Consume("doomed", async (_, ct) => { firstGotIt.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); }, killFirst.Token);
        await new RedisStreamPublisher(_redis, _options).PublishAsync(new TransportProbe("orphan", "x"));
        await firstGotIt.Task.WaitAsync(TimeSpan.FromSeconds(10));
        killFirst.Cancel();
        (await Pending()).PendingMessageCount.ShouldBe(1);

        var survivor = new TaskCompletionSource<string>();
        _ = Consume("survivor", (m, _) => { survivor.TrySetResult(((TransportProbe)m).Id); return Task.CompletedTask; }, _stop.Token);
        (await survivor.Task.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe("orphan");
        await Eventually.Async(async () => (await Pending()).PendingMessageCount == 0, TimeSpan.FromSeconds(5), "the reclaimed entry stayed pending");
    }

    [Fact]
    public async Task A_graceful_stop_hands_held_entries_back_for_others_at_once()
    {
        var longClaim = _queue with { ClaimAfter = TimeSpan.FromMinutes(10), BackoffBase = TimeSpan.FromMinutes(10), BackoffMax = TimeSpan.FromMinutes(10) };
        var options = new RedisStreamsOptions { KeyPrefix = _options.KeyPrefix };
        options.Route<TransportProbe>(longClaim);
        var failedOnce = new TaskCompletionSource();
        using var stopFirst = new CancellationTokenSource();
        var first = new RedisStreamConsumer(_redis, options, longClaim, "leaving", (_, _) => { failedOnce.TrySetResult(); throw new InvalidOperationException("shutting down"); }, NullLogger.Instance);
        var firstRun = Task.Run(() => first.RunAsync(stopFirst.Token));
        await new RedisStreamPublisher(_redis, options).PublishAsync(new TransportProbe("handoff", "x"));
        await failedOnce.Task.WaitAsync(TimeSpan.FromSeconds(10));
        stopFirst.Cancel();
        await firstRun.WaitAsync(TimeSpan.FromSeconds(10));
        await first.HandOffPendingAsync();
        // Nothing is left under its name, so the group forgets it (it would list every instance that ever ran).
        (await _redis.GetDatabase().StreamConsumerInfoAsync(options.StreamKey("probe"), options.ConsumerGroup)).Select(c => (string?)c.Name).ShouldNotContain("leaving");

        var taken = new TaskCompletionSource<string>();
        _ = Task.Run(() => new RedisStreamConsumer(_redis, options, longClaim, "staying", (m, _) => { taken.TrySetResult(((TransportProbe)m).Id); return Task.CompletedTask; }, NullLogger.Instance).RunAsync(_stop.Token));
        (await taken.Task.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe("handoff");
    }

    [Fact]
    public async Task Attempts_made_before_a_hand_off_count_towards_dead_lettering()
    {
        for (var round = 0; round < _queue.MaxAttempts; round++)
        {
            // Each consumer fails the message once and leaves gracefully, handing it back.
            var failed = new TaskCompletionSource();
            using var stop = new CancellationTokenSource();
            var consumer = new RedisStreamConsumer(_redis, _options, _queue with { BackoffBase = TimeSpan.FromMinutes(10), BackoffMax = TimeSpan.FromMinutes(10), ClaimAfter = TimeSpan.FromMinutes(10) },
                $"leaving-{round}", (_, _) => { failed.TrySetResult(); throw new InvalidOperationException("fails every time"); }, NullLogger.Instance);
            var run = Task.Run(() => consumer.RunAsync(stop.Token));
            if (round == 0) await new RedisStreamPublisher(_redis, _options).PublishAsync(new TransportProbe("stubborn", "x"));
            if (round == _queue.MaxAttempts - 1)
            {
                // The last allowed attempt fails: the message goes to the dead-letter stream instead of back.
                await Eventually.Async(async () => await _redis.GetDatabase().StreamLengthAsync(_options.DeadLetterKey("probe")) == 1,
                    TimeSpan.FromSeconds(10), "the message was not dead-lettered after its attempts across hand-offs");
                stop.Cancel();
                await run.WaitAsync(TimeSpan.FromSeconds(10));
                break;
            }
            await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            stop.Cancel();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
            await consumer.HandOffPendingAsync();
        }
        var dead = (await _redis.GetDatabase().StreamRangeAsync(_options.DeadLetterKey("probe"))).Single();
        ((int)dead["attempts"]).ShouldBe(_queue.MaxAttempts);
        (await _redis.GetDatabase().StreamLengthAsync(_options.StreamKey("probe"))).ShouldBe(0);
    }

    [Fact]
    public async Task Retries_a_failing_message_then_dead_letters_it_with_the_reason_without_blocking_others()
    {
        var attempts = 0;
        var good = new ConcurrentBag<string>();
        _ = Consume("c1", (m, _) =>
        {
            var probe = (TransportProbe)m;
            if (probe.Payload == "poison") { Interlocked.Increment(ref attempts); throw new InvalidOperationException("cannot digest this"); }
            good.Add(probe.Id);
            return Task.CompletedTask;
        }, _stop.Token);
        var publisher = new RedisStreamPublisher(_redis, _options);
        await publisher.PublishAsync(new TransportProbe("bad", "poison"));
        for (var i = 0; i < 5; i++) await publisher.PublishAsync(new TransportProbe($"ok{i}", "fine"));

        await Eventually.Async(() => Task.FromResult(good.Count == 5), TimeSpan.FromSeconds(10), "good messages were blocked");
        await Eventually.Async(async () => await _redis.GetDatabase().StreamLengthAsync(_options.DeadLetterKey("probe")) == 1,
            TimeSpan.FromSeconds(10), "the poison message was not dead-lettered");
        attempts.ShouldBe(_queue.MaxAttempts);
        var dead = (await _redis.GetDatabase().StreamRangeAsync(_options.DeadLetterKey("probe"))).Single();
        ((string?)dead["reason"]).ShouldBe("InvalidOperationException: cannot digest this");
        ((int)dead["attempts"]).ShouldBe(_queue.MaxAttempts);
        ((string?)dead["body"])!.ShouldContain("poison");
        await Eventually.Async(async () => (await Pending()).PendingMessageCount == 0, TimeSpan.FromSeconds(5), "entries stayed pending"); // handlers ack after they return
    }

    [Fact]
    public async Task A_large_message_is_kept_compressed_in_redis_and_delivered_whole_beside_entries_of_earlier_versions()
    {
        var seen = new ConcurrentDictionary<string, string>();
        var publisher = new RedisStreamPublisher(_redis, _options);
        var text = string.Concat(Enumerable.Repeat("a model answered a question about an invoice; ", 2_000));
        await publisher.PublishAsync(new TransportProbe("large", text));
        await publisher.PublishAsync(new TransportProbe("small", "x"));
        // An entry as versions before compression wrote it, still on the stream after an upgrade: its body is the JSON.
        await _redis.GetDatabase().StreamAddAsync(_options.StreamKey("probe"), [new NameValueEntry("type", RedisStreamsOptions.MessageTypeName(typeof(TransportProbe))),
            new NameValueEntry("body", System.Text.Json.JsonSerializer.Serialize(new TransportProbe("earlier", text), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))]);

        var entries = await _redis.GetDatabase().StreamRangeAsync(_options.StreamKey("probe"));
        ((byte[])entries[0]["body"]!).Length.ShouldBeLessThan(text.Length / 10);
        ((string)entries[1]["body"]!).ShouldContain("\"small\"");

        _ = Consume("c1", (m, _) => { var p = (TransportProbe)m; seen[p.Id] = p.Payload; return Task.CompletedTask; }, _stop.Token);
        await Eventually.Async(() => Task.FromResult(seen.Count == 3), TimeSpan.FromSeconds(10), "not all three messages were delivered");
        seen["large"].ShouldBe(text);
        seen["small"].ShouldBe("x");
        seen["earlier"].ShouldBe(text);
    }

    [Fact]
    public async Task An_undecodable_entry_is_dead_lettered_at_once()
    {
        var db = _redis.GetDatabase();
        await db.StreamAddAsync(_options.StreamKey("probe"), [new NameValueEntry("type", "No.Such.Type"), new NameValueEntry("body", "{}")]);
        await db.StreamAddAsync(_options.StreamKey("probe"), [new NameValueEntry("type", RedisStreamsOptions.MessageTypeName(typeof(TransportProbe))), new NameValueEntry("body", "{not json")]);
        _ = Consume("c1", (_, _) => Task.CompletedTask, _stop.Token);
        await Eventually.Async(async () => await db.StreamLengthAsync(_options.DeadLetterKey("probe")) == 2,
            TimeSpan.FromSeconds(10), "undecodable entries were not dead-lettered");
        var reasons = (await db.StreamRangeAsync(_options.DeadLetterKey("probe"))).Select(e => (string)e["reason"]!).ToList();
        reasons.ShouldContain(r => r.Contains("unknown message type No.Such.Type"));
        reasons.ShouldContain(r => r.StartsWith("undecodable message"));
    }

    [Fact]
    public async Task A_queue_routed_encoded_hands_over_entries_that_decode_when_used_and_dead_letters_one_that_does_not()
    {
        var options = new RedisStreamsOptions { KeyPrefix = _options.KeyPrefix + "encoded:" };
        options.RouteEncoded<TransportProbe>(_queue);
        var db = _redis.GetDatabase();
        try
        {
            var publisher = new RedisStreamPublisher(_redis, options);
            var text = string.Concat(Enumerable.Repeat("an LLM answer, repeated ", 500)); // gzipped on the stream
            await publisher.PublishAsync(new TransportProbe("large", text));
            await publisher.PublishAsync(new TransportProbe("small", "x"));
            await db.StreamAddAsync(options.StreamKey("probe"), [new NameValueEntry("type", RedisStreamsOptions.MessageTypeName(typeof(TransportProbe))), new NameValueEntry("body", "{not json")]);

            var seen = new ConcurrentDictionary<string, string>();
            MessageDispatch dispatch = (m, _) => { var p = ((Encoded<TransportProbe>)m).Decode(); seen[p.Id] = p.Payload; return Task.CompletedTask; };
            _ = Task.Run(() => new RedisStreamConsumer(_redis, options, _queue, "c1", dispatch, NullLogger.Instance).RunAsync(_stop.Token));

            await Eventually.Async(() => Task.FromResult(seen.Count == 2), TimeSpan.FromSeconds(10), "the encoded messages were not delivered");
            seen["large"].ShouldBe(text);
            seen["small"].ShouldBe("x");
            // Failing to decode in the handler is the same verdict as failing in the consumer: dead-lettered on the first attempt.
            await Eventually.Async(async () => await db.StreamLengthAsync(options.DeadLetterKey("probe")) == 1,
                TimeSpan.FromSeconds(10), "the undecodable entry was not dead-lettered");
            var dead = (await db.StreamRangeAsync(options.DeadLetterKey("probe"))).Single();
            ((string)dead["reason"]!).ShouldStartWith("undecodable message");
            ((int)dead["attempts"]).ShouldBe(1);
            await Eventually.Async(async () => await db.StreamLengthAsync(options.StreamKey("probe")) == 0,
                TimeSpan.FromSeconds(5), "handled entries stayed on the stream");
        }
        finally
        {
            await db.KeyDeleteAsync([options.StreamKey("probe"), options.DeadLetterKey("probe"), options.FailureKey("probe")]);
        }
    }

    [Fact]
    public async Task Entries_held_at_once_stay_within_the_byte_budget()
    {
        var publisher = new RedisStreamPublisher(_redis, _options);
        // Random text: gzip cannot shrink it much, so each entry is about the same size as its payload.
        for (var i = 0; i < 8; i++) await publisher.PublishAsync(new TransportProbe($"m{i}", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(30_000))));
        var largest = (await _redis.GetDatabase().StreamRangeAsync(_options.StreamKey("probe"))).Max(e => e["body"].Length());
        var queue = _queue with { MaxBytesInFlight = 3 * largest };

        var running = 0;
        var most = 0;
        var release = new SemaphoreSlim(0);
        MessageDispatch dispatch = async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await release.WaitAsync(ct);
            Interlocked.Decrement(ref running);
        };
        _ = Task.Run(() => new RedisStreamConsumer(_redis, _options, queue, "c1", dispatch, NullLogger.Instance).RunAsync(_stop.Token));
        for (var done = 0; done < 8; done++)
        {
            var expected = Math.Min(3, 8 - done);
            await Eventually.Async(() => Task.FromResult(Volatile.Read(ref running) == expected), TimeSpan.FromSeconds(10), $"{expected} entries were not running");
            release.Release();
        }
        await Eventually.Async(async () => (await Pending()).PendingMessageCount == 0, TimeSpan.FromSeconds(10), "entries stayed pending");
        most.ShouldBe(3); // 16 slots: without the budget all eight would run at once

        static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    [Fact]
    public async Task Stream_lengths_are_reported_as_metrics()
    {
        var publisher = new RedisStreamPublisher(_redis, _options);
        for (var i = 0; i < 3; i++) await publisher.PublishAsync(new TransportProbe($"m{i}", "x"));
        var metrics = new RedisStreamsMetrics(_redis, _options, new TestMeterFactory());
        var stats = await metrics.ReadAsync("probe");
        stats.Length.ShouldBe(3);
        stats.DeadLetters.ShouldBe(0);

        var observed = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == RedisStreamsMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "queue" && (string?)tag.Value == "probe") observed[instrument.Name] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        observed["langfuse.queue.length"].ShouldBe(3);
        observed["langfuse.queue.dead_letters"].ShouldBe(0);
    }

    sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }
}
