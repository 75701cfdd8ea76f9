using Langfuse.Features.Ingestion;
using Langfuse.Features.Ingestion.Processing;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

/// <summary>At-least-once delivery with idempotent results.</summary>
[Collection(IngestionCollection.Name)]
public sealed class ReplayTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    sealed record Count(ulong C);

    [Fact]
    public async Task Replaying_the_same_events_yields_the_same_stored_trace()
    {
        var traceId = Guid.NewGuid().ToString();
        var events = new[]
        {
            Event("trace-create", new { id = traceId, name = "replayed", metadata = new { a = 1 }, tags = new[] { "x" } }, 0),
            Event("span-create", new { id = traceId + "-s", traceId, name = "span" }, 0),
            Event("span-update", new { id = traceId + "-s", traceId, output = "out" }, 1),
        };
        await app.Host.IngestAsync(_project, events);
        var first = await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(1) && t.Observation(traceId + "-s").GetProperty("output").ValueKind == System.Text.Json.JsonValueKind.String);

        await app.Host.IngestAsync(_project, events);
        await app.Host.IngestAsync(_project, events.Reverse().ToArray());
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId, release = "after-replays" }, 2));
        var second = await app.Host.TraceWhenAsync(_project, traceId, t => t.GetProperty("release").ValueKind == System.Text.Json.JsonValueKind.String);

        second.GetProperty("name").GetString().ShouldBe(first.GetProperty("name").GetString());
        second.GetProperty("tags").GetArrayLength().ShouldBe(1);
        second.GetProperty("metadata").ToString().ShouldBe(first.GetProperty("metadata").ToString());
        second.GetProperty("observations").GetArrayLength().ShouldBe(1);
        second.Observation(traceId + "-s").GetProperty("output").GetString().ShouldBe("out");
    }

    [Fact]
    public async Task Two_workers_folding_the_same_entity_at_once_converge_on_the_full_result()
    {
        var pipeline = app.Service<IngestionPipeline>();
        var traceId = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        IngestBatch Batch(string field, string value, int offset) => new(_project.Id, now, [
            new AcceptedEvent(Guid.NewGuid().ToString(), "trace-create", now + offset, EntityTypes.Trace, traceId,
                System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["id"] = traceId, [field] = value })),
        ]);
        // Direct writes, as two worker processes would do them, racing each other.
        await Task.WhenAll(
            Task.Run(() => pipeline.WriteAsync([Batch("name", "from-worker-1", 0)], CancellationToken.None)),
            Task.Run(() => pipeline.WriteAsync([Batch("userId", "from-worker-2", 1)], CancellationToken.None)),
            Task.Run(() => pipeline.WriteAsync([Batch("release", "from-worker-3", 2)], CancellationToken.None)));

        var trace = await app.Host.TraceWhenAsync(_project, traceId, _ => true);
        trace.GetProperty("name").GetString().ShouldBe("from-worker-1");
        trace.GetProperty("userId").GetString().ShouldBe("from-worker-2");
        trace.GetProperty("release").GetString().ShouldBe("from-worker-3");
    }
}
