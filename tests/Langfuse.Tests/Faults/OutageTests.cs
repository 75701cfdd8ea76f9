using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Faults;

[Collection(OutageCollection.Name)]
public sealed class OutageTests(OutageFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;


    static System.Text.Json.Nodes.JsonObject[] TraceWithSpans(string traceId) =>
    [
        Event("trace-create", new { id = traceId, name = "during-outage" }),
        Event("span-create", new { id = traceId + "-a", traceId, name = "a" }),
        Event("span-create", new { id = traceId + "-b", traceId, name = "b" }),
    ];

    [Fact]
    public async Task Reads_and_daily_metrics_answer_from_ClickHouse_while_Redis_is_down()
    {
        var traceId = Guid.NewGuid().ToString();
        (await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = traceId, timestamp = "2024-05-05T10:00:00.000Z" }),
            Event("generation-create", new { id = traceId + "-g", traceId, model = "gpt-4o-mini", usage = new { input = 10, output = 5 }, startTime = "2024-05-05T10:00:00.000Z" }))).Status.ShouldBe(207);
        await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(1));
        var (_, withRedis) = await app.Host.GetAsync(_project, "/api/public/metrics/daily");

        await app.Redis.StopAsync();
        try
        {
            var (status, withoutRedis) = await app.Host.GetAsync(_project, "/api/public/metrics/daily");
            status.ShouldBe(200, withoutRedis.ToString());
            withoutRedis.GetProperty("data").ToString().ShouldBe(withRedis.GetProperty("data").ToString());
            (await app.Host.GetAsync(_project, $"/api/public/traces/{traceId}")).Status.ShouldBe(200);
            (await app.Host.GetAsync(_project, "/api/public/traces")).Body.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(1);
        }
        finally { await app.Redis.StartAgainAsync(); }
    }

    [Fact]
    public async Task Events_queued_in_Redis_survive_a_Redis_restart()
    {
        var before = Guid.NewGuid().ToString();
        app.ClickHouse.Cut(); // keep the first batch queued (not yet stored) across the restart
        try
        {
            (await app.Host.IngestAsync(_project, TraceWithSpans(before))).Status.ShouldBe(207);
            await app.Redis.RestartAsync();
        }
        finally { app.ClickHouse.Restore(); }

        // While the client reconnects, the API may answer 500 (nothing accepted); an SDK retries, and so does this test.
        var after = Guid.NewGuid().ToString();
        await Eventually.Async(async () => (await app.Host.IngestAsync(_project, TraceWithSpans(after))).Status == 207,
            TimeSpan.FromSeconds(30), "ingestion did not recover after the Redis restart");

        await app.Host.TraceWhenAsync(_project, before, t => t.HasObservations(2));
        await app.Host.TraceWhenAsync(_project, after, t => t.HasObservations(2));
    }
}
