using System.Diagnostics;
using System.Net;
using System.Text;
using Alba;
using Langfuse.Infrastructure.Auth;
using Langfuse.Tests.Infrastructure;
using Xunit.Abstractions;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Foundation;

/// <summary>A host with low limits, so that they are reached within a test.</summary>
public sealed class LowLimitsFixture : AppFixture
{
    public const int PublicApiPerMinute = 20, IngestionPerMinute = 10;

    protected override IDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["LANGFUSE_RATE_LIMIT_PUBLIC_API_PER_MINUTE"] = PublicApiPerMinute.ToString(),
        ["LANGFUSE_RATE_LIMIT_INGESTION_PER_MINUTE"] = IngestionPerMinute.ToString(),
        ["LANGFUSE_READ_MAX_MEMORY_BYTES"] = "1000",
    };
}

[CollectionDefinition(Name)]
public sealed class LowLimitsCollection : ICollectionFixture<LowLimitsFixture> { public const string Name = "low limits"; }

/// <summary>One project cannot take what the others need: per-project rates, failed authentication, read limits.</summary>
[Collection(LowLimitsCollection.Name)]
public sealed class RateLimitTests(LowLimitsFixture app) : IAsyncLifetime
{
    TestProject _busy = null!, _quiet = null!;
    public async Task InitializeAsync() { _busy = await app.CreateProjectAsync(); _quiet = await app.CreateProjectAsync(); }
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<IScenarioResult> Get(string url, string auth, string client = "10.1.1.1") => await app.Host.Scenario(s =>
    {
        s.Get.Url(url);
        s.WithRequestHeader("Authorization", auth);
        s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(client));
        s.IgnoreStatusCode();
    });

    [Fact]
    public async Task A_project_over_its_rate_gets_Langfuses_429_and_another_project_is_untouched()
    {
        for (var i = 0; i < LowLimitsFixture.PublicApiPerMinute; i++)
            (await Get("/api/public/projects", _busy.BasicAuth)).Context.Response.StatusCode.ShouldBe(200);
        var limited = await Get("/api/public/projects", _busy.BasicAuth);
        limited.Context.Response.StatusCode.ShouldBe(429);
        int.Parse(limited.Context.Response.Headers.RetryAfter!).ShouldBeInRange(1, 60);
        limited.Context.Response.Headers["X-RateLimit-Limit"].ToString().ShouldBe(LowLimitsFixture.PublicApiPerMinute.ToString());
        (await limited.ReadAsTextAsync()).ShouldContain("Rate limit exceeded");

        (await Get("/api/public/projects", _quiet.BasicAuth)).Context.Response.StatusCode.ShouldBe(200);
        // Ingestion counts apart from reads.
        (await app.Host.IngestAsync(_busy, Event("trace-create", new { id = Guid.NewGuid().ToString() }))).Status.ShouldBe(207);
    }

    [Fact]
    public async Task A_flood_of_bad_credentials_from_one_address_is_cut_off_and_others_still_get_in()
    {
        var flooder = $"10.2.{Random.Shared.Next(255)}.{Random.Shared.Next(255)}";
        var statuses = new List<int>();
        for (var i = 0; i < 70; i++)
        {
            var bad = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"pk-lf-{i}:sk-lf-wrong-{i}"));
            statuses.Add((await Get("/api/public/projects", bad, flooder)).Context.Response.StatusCode);
        }
        statuses.Take(60).ShouldAllBe(s => s == 401);
        statuses.Skip(61).ShouldAllBe(s => s == 429);
        // Even a valid key is refused from that address until the minute is over; from another address it works.
        (await Get("/api/public/projects", _quiet.BasicAuth, flooder)).Context.Response.StatusCode.ShouldBe(429);
        (await Get("/api/public/projects", _quiet.BasicAuth, "10.3.3.3")).Context.Response.StatusCode.ShouldBe(200);
    }

    [Fact]
    public async Task Unknown_credentials_are_remembered_briefly_instead_of_asking_Postgres_each_time()
    {
        var bad = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("pk-lf-nobody:sk-lf-" + Guid.NewGuid()));
        (await Get("/api/public/projects", bad, "10.4.4.4")).Context.Response.StatusCode.ShouldBe(401);
        app.Service<FailedKeys>().Remembered.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_read_over_ClickHouses_memory_limit_is_a_503_naming_the_limit()
    {
        (await app.Host.IngestAsync(_quiet, Event("trace-create", new { id = Guid.NewGuid().ToString() }))).Status.ShouldBe(207);
        var result = await Get("/api/public/traces", _quiet.BasicAuth, "10.5.5.5");
        result.Context.Response.StatusCode.ShouldBe(503);
        (await result.ReadAsTextAsync()).ShouldContain("LANGFUSE_READ_MAX_MEMORY_BYTES");
    }
}

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
