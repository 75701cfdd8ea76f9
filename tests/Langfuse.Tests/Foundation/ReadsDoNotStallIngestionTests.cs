using System.Diagnostics;
using Langfuse.Tests.Infrastructure;
using Xunit.Abstractions;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Foundation;

/// <summary>Reads of one project, however many, never stall another project's ingestion.</summary>
[Collection(FoundationCollection.Name)]
// Against a real server only: the test-only chDB front runs one statement at a time, so a flood of reads queues every
// insert behind it whatever the service does; fairness between projects is the service's, measured on a server.
[Trait("Engine", "debian-only")]
public sealed class ReadsDoNotStallIngestionTests(AppFixture app, ITestOutputHelper output) : IAsyncLifetime
{
    TestProject _reader = null!, _writer = null!;
    public async Task InitializeAsync() { _reader = await app.CreateProjectAsync(); _writer = await app.CreateProjectAsync(); }
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<TimeSpan> IngestAndWaitReadable()
    {
        var traceId = Guid.NewGuid().ToString();
        var clock = Stopwatch.StartNew();
        (await app.Host.IngestAsync(_writer, Event("trace-create", new { id = traceId }), Event("span-create", new { id = traceId + "-s", traceId }))).Status.ShouldBe(207);
        await app.Host.TraceWhenAsync(_writer, traceId, t => t.HasObservations(1));
        return clock.Elapsed;
    }

    [Fact]
    public async Task Another_projects_ingestion_stays_readable_while_one_project_saturates_reads()
    {
        var seed = Enumerable.Range(0, 200).SelectMany(i =>
        {
            var id = Guid.NewGuid().ToString();
            return new[] { Event("trace-create", new { id, name = "heavy", metadata = new { i } }), Event("generation-create", new { id = id + "-g", traceId = id, model = "gpt-4o", usage = new { input = i, output = i } }) };
        }).ToArray();
        (await app.Host.IngestAsync(_reader, seed)).Status.ShouldBe(207);
        var quiet = new List<TimeSpan>();
        for (var i = 0; i < 5; i++) quiet.Add(await IngestAndWaitReadable());

        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var heavy = "/api/public/traces?limit=100&orderBy=latency.desc&filter=" + Uri.EscapeDataString("""[{"type":"number","column":"totalCost","operator":">=","value":0}]""");
        var flood = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) statuses.Add((await app.Host.GetAsync(_reader, heavy)).Status);
        })).ToList();
        var loaded = new List<TimeSpan>();
        try
        {
            for (var i = 0; i < 5; i++) loaded.Add(await IngestAndWaitReadable());
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(flood);
        }
        statuses.ShouldNotContain(500);
        statuses.Count.ShouldBeGreaterThan(32);
        Figures.Report(output, $"Reads vs ingestion: another project's trace readable after {Median(quiet):0} ms (quiet) / {Median(loaded):0} ms median (max {loaded.Max().TotalMilliseconds:0} ms) while 32 clients flooded one project with {statuses.Count} list reads ({statuses.Count(s => s == 429)} answered 429)");
    }

    static double Median(List<TimeSpan> xs) => xs.Select(x => x.TotalMilliseconds).Order().ElementAt(xs.Count / 2);
}
