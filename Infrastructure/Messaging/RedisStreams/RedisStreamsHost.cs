using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StackExchange.Redis;
using Wolverine;

namespace Langfuse.Infrastructure.Messaging.RedisStreams;

/// <summary>
/// Runs one <see cref="RedisStreamConsumer"/> per queue and hands each message to its Wolverine handler.
/// On shutdown it stops consuming in <see cref="StoppingAsync"/>, which runs before any hosted service (Wolverine
/// included) stops: handlers in flight finish, and whatever this process still holds goes back on the stream.
/// </summary>
public sealed class RedisStreamsHost(
    IConnectionMultiplexer redis, RedisStreamsOptions options, IServiceScopeFactory scopes,
    RedisStreamsMetrics metrics, IHostApplicationLifetime lifetime, ILogger<RedisStreamsHost> logger) : BackgroundService, IHostedLifecycleService
{
    readonly CancellationTokenSource _consuming = new();
    readonly List<RedisStreamConsumer> _consumers = [];
    Task _loops = Task.CompletedTask;

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken ct)
    {
        _consuming.Cancel();
        try { await _loops.WaitAsync(RedisStreamConsumer.DrainTimeout + TimeSpan.FromSeconds(2), ct); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        foreach (var consumer in _consumers) await consumer.HandOffPendingAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, _consuming.Token);
        var stoppingToken = linked.Token;
        // Handlers run through Wolverine, which is ready only once the whole host has started.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; } catch (OperationCanceledException) { return; }
        }
        var sampling = metrics.SampleAsync(stoppingToken);
        var loops = new List<Task>();
        if (options.Consume)
        {
            foreach (var queue in options.Queues.Values)
            {
                var consumer = new RedisStreamConsumer(redis, options, queue, options.ConsumerName, DispatchToWolverine, logger);
                _consumers.Add(consumer);
                loops.Add(Task.Run(() => consumer.RunAsync(stoppingToken), CancellationToken.None));
            }
        }
        _loops = Task.WhenAll(loops);
        await Task.WhenAll(loops.Append(sampling));
    }

    async Task DispatchToWolverine(object message, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(message, ct);
    }
}

/// <summary>Stream, pending and dead-letter lengths per queue, sampled periodically and exported as OpenTelemetry gauges.</summary>
public sealed class RedisStreamsMetrics
{
    public const string MeterName = "Langfuse.Messaging";
    readonly IConnectionMultiplexer _redis;
    readonly RedisStreamsOptions _options;
    readonly ConcurrentDictionary<string, QueueStats> _latest = new();

    /// <param name="OldestAgeSeconds">Age of the oldest entry not yet acknowledged (0 when the stream is empty): how far behind the workers are.</param>
    public sealed record QueueStats(long Length, long Pending, long DeadLetters, double OldestAgeSeconds);

    public RedisStreamsMetrics(IConnectionMultiplexer redis, RedisStreamsOptions options, IMeterFactory meters)
    {
        _redis = redis;
        _options = options;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("langfuse.queue.length", () => Measure(s => s.Length), description: "Entries in the Redis stream not yet acknowledged");
        meter.CreateObservableGauge("langfuse.queue.pending", () => Measure(s => s.Pending), description: "Entries delivered to a consumer and not yet acknowledged");
        meter.CreateObservableGauge("langfuse.queue.dead_letters", () => Measure(s => s.DeadLetters), description: "Entries moved to the dead-letter stream");
        meter.CreateObservableGauge("langfuse.queue.oldest_age", () => _latest.Select(kv => new Measurement<double>(kv.Value.OldestAgeSeconds, new KeyValuePair<string, object?>("queue", kv.Key))),
            unit: "s", description: "Age of the oldest entry not yet acknowledged");
    }

    IEnumerable<Measurement<long>> Measure(Func<QueueStats, long> pick) =>
        _latest.Select(kv => new Measurement<long>(pick(kv.Value), new KeyValuePair<string, object?>("queue", kv.Key)));

    public async Task<QueueStats> ReadAsync(string queue)
    {
        var db = _redis.GetDatabase();
        var length = db.StreamLengthAsync(_options.StreamKey(queue));
        var dead = db.StreamLengthAsync(_options.DeadLetterKey(queue));
        long pending = 0;
        try { pending = (await db.StreamPendingAsync(_options.StreamKey(queue), _options.ConsumerGroup)).PendingMessageCount; }
        catch (RedisServerException) { } // no group yet
        // Acknowledged entries are deleted, so the stream's first entry is the oldest one waiting; its id starts
        // with the millisecond it was added.
        var first = await db.StreamRangeAsync(_options.StreamKey(queue), "-", "+", 1);
        var age = first.Length == 0 ? 0 : Math.Max(0, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - AddedAtMs(first[0].Id)) / 1000.0);
        var stats = new QueueStats(await length, pending, await dead, age);
        _latest[queue] = stats;
        return stats;
    }

    static long AddedAtMs(RedisValue id) => long.TryParse(((string?)id ?? "").Split('-')[0], out var ms) ? ms : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    internal async Task SampleAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var queue in _options.Queues.Keys)
            {
                try { await ReadAsync(queue); } catch (Exception) { /* Redis down: keep the last sample */ }
            }
            try { await Task.Delay(TimeSpan.FromSeconds(5), stop); } catch (OperationCanceledException) { }
        }
    }
}

public static class RedisStreamsRegistration
{
    public static IServiceCollection AddRedisStreams(this IServiceCollection services, bool consume, Action<RedisStreamsOptions> configure)
    {
        var options = new RedisStreamsOptions { Consume = consume };
        configure(options);
        services.AddSingleton(options);
        services.AddSingleton<RedisStreamPublisher>();
        services.AddSingleton<RedisStreamsMetrics>();
        services.AddHostedService<RedisStreamsHost>();
        return services;
    }
}
