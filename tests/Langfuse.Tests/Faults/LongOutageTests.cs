using System.Diagnostics;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Tests.Infrastructure;
using Xunit.Abstractions;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Faults;

/// <summary>
/// Five minutes without ClickHouse under a steady load, with the default queue settings (8 attempts): every accepted
/// event is stored once it returns, none is dead-lettered, and the backlog drains at full speed. The two kinds of
/// outage run in parallel, each with its own Redis and its own proxy in front of ClickHouse.
/// </summary>
public abstract class LongOutageTests(OutageFixture app, ITestOutputHelper output) : IAsyncLifetime
{
    public static readonly TimeSpan Outage = TimeSpan.FromMinutes(5);
    const int TracesPerRequest = 10, SpansPerTrace = 4;
    static readonly TimeSpan RequestInterval = TimeSpan.FromMilliseconds(200); // 5 requests, 250 events per second

    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    protected abstract void BreakClickHouse(FaultProxy proxy);

    sealed record Counts(ulong Traces, ulong Observations);

    async Task<Counts> Stored() => (await app.Service<ClickHouseGateway>().QueryAsync<Counts>(Sql.Of(
        $"SELECT (SELECT uniqExact(id) FROM traces WHERE project_id = {_project.Id}) AS traces, (SELECT uniqExact(id) FROM observations WHERE project_id = {_project.Id}) AS observations"))).Single();

    protected async Task Every_event_accepted_during_the_outage_is_stored_and_none_is_dead_lettered()
    {
        var sent = 0;
        BreakClickHouse(app.ClickHouse);
        var clock = Stopwatch.StartNew();
        try
        {
            var next = TimeSpan.Zero;
            while (clock.Elapsed < Outage)
            {
                var events = Enumerable.Range(0, TracesPerRequest).SelectMany(_ =>
                {
                    var traceId = Guid.NewGuid().ToString();
                    return Enumerable.Range(0, SpansPerTrace).Select(i => Event("span-create", new { id = $"{traceId}-{i}", traceId, name = "during-outage" }))
                        .Prepend(Event("trace-create", new { id = traceId, name = "during-outage" }));
                }).ToArray();
                var (status, body) = await app.Host.IngestAsync(_project, events);
                status.ShouldBe(207);
                body.GetProperty("successes").GetArrayLength().ShouldBe(events.Length);
                sent++;
                next += RequestInterval;
                if (next > clock.Elapsed) await Task.Delay(next - clock.Elapsed);
            }
        }
        finally { app.ClickHouse.Restore(); }

        var restored = Stopwatch.StartNew();
        var expected = new Counts((ulong)(sent * TracesPerRequest), (ulong)(sent * TracesPerRequest * SpansPerTrace));
        await Eventually.Async(async () => await Stored() == expected, TimeSpan.FromMinutes(3),
            $"not every accepted event was stored after the outage: expected {expected}, stored {await Stored()}");
        var drained = restored.Elapsed;
        await using var redis = await app.Redis.ConnectAsync();
        (await redis.GetDatabase().StreamLengthAsync("langfuse:queue:ingestion:dead")).ShouldBe(0);
        var total = sent * TracesPerRequest * (1 + SpansPerTrace);
        Figures.Report(output, $"{GetType().Name}: {total} events accepted during a {Outage.TotalSeconds:0} s outage, all stored {drained.TotalSeconds:0.0} s after ClickHouse returned ({total / drained.TotalSeconds:0} events/s drained), none dead-lettered");
    }
}
