using Langfuse.Features.Ingestion;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Messaging.RedisStreams;
using Langfuse.Tests.Infrastructure;
using StackExchange.Redis;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Faults;

[Collection(WorkerFaultCollection.Name)]
public sealed class WorkerFaultTests(WorkerFaultFixture app) : IAsyncLifetime
{
    const string Stream = "langfuse:queue:ingestion";
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    sealed record Counts(ulong Rows, ulong Ids, ulong Observations);

    async Task<Counts> Stored() =>
        (await app.Service<ClickHouseGateway>().QueryAsync<Counts>(Sql.Of(
            $"SELECT (SELECT count() FROM traces FINAL WHERE project_id = {_project.Id}) AS rows, (SELECT uniqExact(id) FROM traces FINAL WHERE project_id = {_project.Id}) AS ids, (SELECT count() FROM observations FINAL WHERE project_id = {_project.Id}) AS observations"))).Single();

    [Fact]
    public async Task A_worker_killed_with_entries_in_hand_loses_nothing_and_stores_each_event_once()
    {
        // Worker 1 cannot reach ClickHouse, so it holds what it reads as pending when it is killed.
        await using var blackhole = new FaultProxy(TestStores.ClickHouseUrl.Host, TestStores.ClickHouseUrl.Port);
        var w1Env = app.WorkerEnvironment;
        w1Env["CLICKHOUSE_URL"] = new UriBuilder(TestStores.ClickHouseUrl) { Port = blackhole.Port }.Uri.ToString();
        w1Env["LANGFUSE_QUEUE_MAX_ATTEMPTS"] = "1000";
        await using var worker1 = await ServiceProcess.StartAsync(w1Env);
        blackhole.Cut();

        var traceIds = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var traceId = Guid.NewGuid().ToString();
            traceIds.Add(traceId);
            var (status, _) = await app.Host.IngestAsync(_project,
                Event("trace-create", new { id = traceId, name = $"t{i}" }),
                Event("span-create", new { id = traceId + "-s", traceId, name = "s" }),
                Event("generation-create", new { id = traceId + "-g", traceId, model = "gpt-4o-mini", usage = new { input = 10, output = 5 } }));
            status.ShouldBe(207);
        }

        await using var redis = await app.Redis.ConnectAsync();
        await Eventually.Async(async () => (await redis.GetDatabase().StreamPendingAsync(Stream, "langfuse-workers")).PendingMessageCount > 0,
            TimeSpan.FromSeconds(20), "worker 1 never took any entries");
        worker1.Kill();

        await using var worker2 = await ServiceProcess.StartAsync(app.WorkerEnvironment);
        await Eventually.Async(async () => (await Stored()).Ids == (ulong)traceIds.Count, TimeSpan.FromSeconds(60),
            "not every trace accepted before the kill was stored");
        await Eventually.Async(async () => (await redis.GetDatabase().StreamPendingAsync(Stream, "langfuse-workers")).PendingMessageCount == 0,
            TimeSpan.FromSeconds(30), "entries stayed pending");

        var stored = await Stored();
        stored.Rows.ShouldBe((ulong)traceIds.Count);
        stored.Observations.ShouldBe((ulong)traceIds.Count * 2);
        var sample = await app.Host.TraceWhenAsync(_project, traceIds[^1], t => t.HasObservations(2));
        sample.GetProperty("totalCost").GetDouble().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Health_shows_the_backlog_and_its_age_until_a_worker_stores_it()
    {
        // This host accepts but does not consume: what it accepts waits until a worker runs.
        (await app.Host.IngestAsync(_project, Event("trace-create", new { id = Guid.NewGuid().ToString(), name = "waiting" }))).Status.ShouldBe(207);
        async Task<System.Text.Json.JsonElement> Backlog() => (await app.Host.GetAsync(null, "/api/public/health")).Body.GetProperty("ingestion");
        await Eventually.Async(async () => (await Backlog()) is var b && b.GetProperty("waiting").GetInt64() >= 1 && b.GetProperty("oldestAgeSeconds").GetDouble() >= 1,
            TimeSpan.FromSeconds(20), "health did not show a batch waiting for a second");

        await using var worker = await ServiceProcess.StartAsync(app.WorkerEnvironment);
        await Eventually.Async(async () => (await Backlog()) is var b && b.GetProperty("waiting").GetInt64() == 0 && b.GetProperty("oldestAgeSeconds").GetDouble() == 0,
            TimeSpan.FromSeconds(60), "health still showed a backlog after a worker ran");
    }

    [Fact]
    public async Task A_poison_entry_is_dead_lettered_with_its_reason_and_blocks_nothing_else()
    {
        await using var redis = await app.Redis.ConnectAsync();
        var db = redis.GetDatabase();
        var typeName = RedisStreamsOptions.MessageTypeName(typeof(IngestBatch));
        var poisonId = await db.StreamAddAsync(Stream, [new NameValueEntry("type", typeName), new NameValueEntry("body", "{\"projectId\": \"p\", \"events\": [ {\"eventId\": tru")]);

        var traceId = Guid.NewGuid().ToString();
        (await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId, name = "after the poison" }))).Status.ShouldBe(207);
        await using var worker = await ServiceProcess.StartAsync(app.WorkerEnvironment);

        var trace = await app.Host.TraceWhenAsync(_project, traceId, _ => true);
        trace.GetProperty("name").GetString().ShouldBe("after the poison");
        await Eventually.Async(async () => (await db.StreamRangeAsync(Stream + ":dead")).Any(e => e["original_id"] == poisonId),
            TimeSpan.FromSeconds(20), "the poison entry was not dead-lettered");
        var dead = (await db.StreamRangeAsync(Stream + ":dead")).Single(e => e["original_id"] == poisonId);
        ((string)dead["reason"]!).ShouldStartWith("undecodable message");
        ((string)dead["body"]!).ShouldContain("eventId");
        // The trace is readable a moment before its entry is acknowledged: nothing may stay pending for long.
        await Eventually.Async(async () => (await db.StreamPendingAsync(Stream, "langfuse-workers")).PendingMessageCount == 0,
            TimeSpan.FromSeconds(10), "entries stayed pending after the poison was dead-lettered");
    }
}
