using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

[Collection(IngestionCollection.Name)]
public sealed class EventTypeTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_event_type_is_stored_with_its_observation_type()
    {
        var traceId = Guid.NewGuid().ToString();
        var types = new (string Event, string Type)[]
        {
            ("span-create", "SPAN"), ("generation-create", "GENERATION"), ("event-create", "EVENT"), ("agent-create", "AGENT"),
            ("tool-create", "TOOL"), ("chain-create", "CHAIN"), ("retriever-create", "RETRIEVER"), ("evaluator-create", "EVALUATOR"),
            ("embedding-create", "EMBEDDING"), ("guardrail-create", "GUARDRAIL"),
        };
        var events = new List<System.Text.Json.Nodes.JsonObject> { Event("trace-create", new { id = traceId, name = "all types" }) };
        events.AddRange(types.Select(t => Event(t.Event, new { id = $"{traceId}-{t.Type}", traceId, name = t.Event })));
        events.Add(Event("observation-create", new { id = $"{traceId}-legacy", traceId, type = "EVENT", name = "legacy" }));
        events.Add(Event("span-update", new { id = $"{traceId}-SPAN", traceId, output = "updated" }, 1));
        events.Add(Event("generation-update", new { id = $"{traceId}-GENERATION", traceId, model = "gpt-4o" }, 1));
        events.Add(Event("observation-update", new { id = $"{traceId}-legacy", traceId, type = "EVENT", statusMessage = "legacy update" }, 1));
        events.Add(Event("score-create", new { id = $"{traceId}-score", traceId, name = "s", value = 0.5 }));
        var (status, body) = await app.Host.IngestAsync(_project, events.ToArray());
        status.ShouldBe(207);
        body.GetProperty("errors").GetArrayLength().ShouldBe(0);

        var trace = await app.Host.TraceWhenAsync(_project, traceId, t =>
            t.HasObservations(types.Length + 1) && t.HasScores(1) && t.Observation($"{traceId}-SPAN").GetProperty("output").ValueKind != System.Text.Json.JsonValueKind.Null);
        foreach (var (eventType, type) in types)
        {
            var observation = trace.Observation($"{traceId}-{type}");
            observation.GetProperty("type").GetString().ShouldBe(type);
            observation.GetProperty("name").GetString().ShouldBe(eventType);
        }
        trace.Observation($"{traceId}-SPAN").GetProperty("output").GetString().ShouldBe("updated");
        trace.Observation($"{traceId}-GENERATION").GetProperty("model").GetString().ShouldBe("gpt-4o");
        trace.Observation($"{traceId}-legacy").GetProperty("type").GetString().ShouldBe("EVENT");
        trace.Observation($"{traceId}-legacy").GetProperty("statusMessage").GetString().ShouldBe("legacy update");
        trace.GetProperty("scores")[0].GetProperty("value").GetDouble().ShouldBe(0.5);

        var single = await app.Host.GetWhenAsync(_project, $"/api/public/observations/{traceId}-TOOL", _ => true);
        single.GetProperty("type").GetString().ShouldBe("TOOL");
        single.GetProperty("traceId").GetString().ShouldBe(traceId);
    }

    [Fact]
    public async Task The_read_shape_matches_Langfuse_names_and_timestamp_format()
    {
        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new
            {
                id = traceId, name = "shape", userId = "u", sessionId = "s", release = "r", version = "v", @public = true,
                input = new { question = "q" }, output = "plain text", metadata = new { a = "x", n = 5 }, tags = new[] { "b", "a" },
                environment = "Langfuse-Production", timestamp = "2024-05-01T10:00:00.123456Z",
            }),
            Event("span-create", new { id = traceId + "-s", traceId, startTime = "2024-05-01T10:00:01.000Z", endTime = "2024-05-01T10:00:03.500Z" }));

        var t = await app.Host.TraceWhenAsync(_project, traceId, x => x.HasObservations(1));
        t.GetProperty("timestamp").GetString().ShouldBe("2024-05-01T10:00:00.123Z");
        t.GetProperty("userId").GetString().ShouldBe("u");
        t.GetProperty("sessionId").GetString().ShouldBe("s");
        t.GetProperty("release").GetString().ShouldBe("r");
        t.GetProperty("version").GetString().ShouldBe("v");
        t.GetProperty("public").GetBoolean().ShouldBeTrue();
        t.GetProperty("input").GetProperty("question").GetString().ShouldBe("q");
        t.GetProperty("output").GetString().ShouldBe("plain text");
        t.GetProperty("metadata").GetProperty("a").GetString().ShouldBe("x");
        t.GetProperty("metadata").GetProperty("n").GetInt32().ShouldBe(5);
        t.GetProperty("tags").EnumerateArray().Select(x => x.GetString()).ShouldBe(["a", "b"]);
        t.GetProperty("environment").GetString().ShouldBe("production");
        t.GetProperty("htmlPath").GetString().ShouldBe($"/project/{_project.Id}/traces/{traceId}");
        t.GetProperty("latency").GetDouble().ShouldBe(2.5);
        var span = t.Observation(traceId + "-s");
        span.GetProperty("startTime").GetString().ShouldBe("2024-05-01T10:00:01.000Z");
        span.GetProperty("latency").GetDouble().ShouldBe(2.5);
        span.GetProperty("level").GetString().ShouldBe("DEFAULT");
        span.GetProperty("environment").GetString().ShouldBe("default");
        foreach (var name in new[] { "parentObservationId", "completionStartTime", "statusMessage", "model", "promptId" })
            span.GetProperty(name).ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }
}
