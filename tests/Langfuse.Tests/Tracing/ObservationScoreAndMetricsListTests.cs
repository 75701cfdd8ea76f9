using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>Observation and score lists and daily metrics over a small known data set.</summary>
[Collection(ReadsCollection.Name)]
public sealed class ObservationScoreAndMetricsListTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string _a = "a-" + Guid.NewGuid().ToString("N")[..6];
    readonly string _b = "b-" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = _a, userId = "alice", tags = new[] { "vip" }, timestamp = "2024-07-01T10:00:00.000Z", environment = "production" }),
            Event("trace-create", new { id = _b, userId = "bob", timestamp = "2024-07-02T10:00:00.000Z" }),
            Event("generation-create", new { id = _a + "-g", traceId = _a, name = "llm", model = "gpt-4o-mini", usage = new { input = 150, output = 75 }, startTime = "2024-07-01T10:00:01.000Z", level = "WARNING", environment = "production" }),
            Event("span-create", new { id = _a + "-s", traceId = _a, name = "step", startTime = "2024-07-01T10:00:00.500Z", environment = "production" }),
            Event("generation-create", new { id = _b + "-g", traceId = _b, name = "llm", model = "gpt-4o", usage = new { input = 10, output = 10 }, startTime = "2024-07-02T10:00:01.000Z" }),
            Event("score-create", new { id = _a + "-s1", traceId = _a, name = "quality", value = 0.9 }),
            Event("score-create", new { id = _a + "-s2", traceId = _a, observationId = _a + "-g", name = "tone", value = "kind" }),
            Event("score-create", new { id = _b + "-s1", traceId = _b, name = "quality", value = 0.2 }));
        await app.Host.GetWhenAsync(_project, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 3);
        await app.Host.GetWhenAsync(_project, "/api/public/v2/scores", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<List<string>> Ids(string url)
    {
        var (status, body) = await app.Host.GetAsync(_project, url);
        status.ShouldBe(200, body.ToString());
        return body.GetProperty("data").EnumerateArray().Select(x => x.GetProperty("id").GetString()!).ToList();
    }

    [Fact]
    public async Task Observations_filter_by_their_fields_and_their_traces_user()
    {
        (await Ids("/api/public/observations")).ShouldBe([_b + "-g", _a + "-g", _a + "-s"]);
        (await Ids("/api/public/observations?type=GENERATION")).ShouldBe([_b + "-g", _a + "-g"]);
        (await Ids($"/api/public/observations?traceId={_a}")).ShouldBe([_a + "-g", _a + "-s"]);
        (await Ids("/api/public/observations?name=step")).ShouldBe([_a + "-s"]);
        (await Ids("/api/public/observations?level=WARNING")).ShouldBe([_a + "-g"]);
        (await Ids("/api/public/observations?userId=bob")).ShouldBe([_b + "-g"]);
        (await Ids("/api/public/observations?environment=production")).ShouldBe([_a + "-g", _a + "-s"]);
        (await Ids("/api/public/observations?fromStartTime=2024-07-02T00:00:00Z")).ShouldBe([_b + "-g"]);
        (await app.Host.GetAsync(_project, "/api/public/observations?limit=0")).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Scores_filter_by_value_type_and_trace_and_carry_trace_context()
    {
        (await Ids("/api/public/v2/scores?name=quality&operator=>&value=0.5")).ShouldBe([_a + "-s1"]);
        (await Ids("/api/public/v2/scores?dataType=CATEGORICAL")).ShouldBe([_a + "-s2"]);
        (await Ids($"/api/public/v2/scores?observationId={_a}-g")).ShouldBe([_a + "-s2"]);
        (await Ids($"/api/public/v2/scores?scoreIds={_a}-s1,{_b}-s1")).Order().ShouldBe(new[] { _a + "-s1", _b + "-s1" }.Order());
        (await Ids("/api/public/v2/scores?userId=bob")).ShouldBe([_b + "-s1"]);
        (await Ids("/api/public/v2/scores?traceTags=vip")).Count.ShouldBe(2);
        var (_, body) = await app.Host.GetAsync(_project, $"/api/public/v2/scores?scoreIds={_a}-s1");
        var trace = body.GetProperty("data")[0].GetProperty("trace");
        trace.GetProperty("userId").GetString().ShouldBe("alice");
        trace.GetProperty("tags")[0].GetString().ShouldBe("vip");
        (await app.Host.GetAsync(_project, "/api/public/v2/scores?operator=~&value=1")).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Daily_metrics_count_traces_observations_cost_and_usage_per_model()
    {
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/metrics/daily");
        status.ShouldBe(200, body.ToString());
        var days = body.GetProperty("data").EnumerateArray().ToList();
        days.Select(d => d.GetProperty("date").GetString()).ShouldBe(["2024-07-02", "2024-07-01"]);
        var first = days[1];
        first.GetProperty("countTraces").GetInt32().ShouldBe(1);
        first.GetProperty("countObservations").GetInt32().ShouldBe(2);
        first.GetProperty("totalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
        var usage = first.GetProperty("usage").EnumerateArray().Single();
        usage.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        usage.GetProperty("inputUsage").GetInt64().ShouldBe(150);
        usage.GetProperty("outputUsage").GetInt64().ShouldBe(75);
        usage.GetProperty("totalUsage").GetInt64().ShouldBe(225);
        (await app.Host.GetAsync(_project, "/api/public/metrics/daily?userId=bob")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
    }
}
