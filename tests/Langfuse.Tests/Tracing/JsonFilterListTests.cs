using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>The JSON `filter` parameter on the observation and score lists, alongside their query-parameter filters.</summary>
[Collection(ReadsCollection.Name)]
public sealed class JsonFilterListTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string _a = "ja-" + Guid.NewGuid().ToString("N")[..6];
    readonly string _b = "jb-" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = _a, name = "chat", userId = "alice", tags = new[] { "vip" } }),
            Event("trace-create", new { id = _b, name = "batch", userId = "bob" }),
            Event("generation-create", new { id = _a + "-g", traceId = _a, name = "llm", model = "gpt-4o-mini", usage = new { input = 1000, output = 200 },
                startTime = "2024-09-01T00:00:00.000Z", endTime = "2024-09-01T00:00:02.500Z", metadata = new { step = "answer" } }),
            Event("span-create", new { id = _a + "-s", traceId = _a, name = "retrieve", startTime = "2024-09-01T00:00:01.000Z", endTime = "2024-09-01T00:00:01.100Z" }),
            Event("span-create", new { id = _b + "-s", traceId = _b, name = "retrieve", startTime = "2024-09-02T00:00:00.000Z", level = "ERROR", statusMessage = "timeout" }),
            Event("score-create", new { id = _a + "-q", traceId = _a, name = "quality", value = 0.9, comment = "great answer" }),
            Event("score-create", new { id = _b + "-q", traceId = _b, name = "quality", value = 0.2 }),
            Event("score-create", new { id = _b + "-c", traceId = _b, name = "label", dataType = "CATEGORICAL", value = "bad" }));
        await app.Host.GetWhenAsync(_project, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 3);
        await app.Host.GetWhenAsync(_project, "/api/public/v2/scores", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(int Status, List<string> Ids, JsonElement Body)> List(string path, params object[] filter)
    {
        var (status, body) = await app.Host.GetAsync(_project, path + (path.Contains('?') ? "&" : "?") + "filter=" + Uri.EscapeDataString(JsonSerializer.Serialize(filter)));
        return (status, status == 200 ? body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList() : [], body);
    }

    [Fact]
    public async Task Observations_filter_on_their_columns_usage_metadata_and_their_trace()
    {
        foreach (var path in new[] { "/api/public/observations", "/api/public/v2/observations" })
        {
            (await List(path, new { type = "number", column = "totalTokens", @operator = ">", value = 1000 })).Ids.ShouldBe([_a + "-g"]);
            (await List(path, new { type = "number", column = "latency", @operator = "<", value = 1 })).Ids.ShouldBe([_a + "-s"]);
            (await List(path, new { type = "string", column = "model", @operator = "=", value = "gpt-4o-mini" })).Ids.ShouldBe([_a + "-g"]);
            (await List(path, new { type = "stringOptions", column = "level", @operator = "any of", value = new[] { "ERROR", "WARNING" } })).Ids.ShouldBe([_b + "-s"]);
            (await List(path, new { type = "stringObject", column = "metadata", key = "step", @operator = "=", value = "answer" })).Ids.ShouldBe([_a + "-g"]);
            (await List(path, new { type = "string", column = "userId", @operator = "=", value = "bob" })).Ids.ShouldBe([_b + "-s"]);
            (await List(path, new { type = "arrayOptions", column = "traceTags", @operator = "any of", value = new[] { "vip" } })).Ids.ShouldBe([_a + "-s", _a + "-g"]);
            (await List(path, new { type = "null", column = "endTime", @operator = "is null" })).Ids.ShouldBe([_b + "-s"]);
            (await List(path + "?name=retrieve", new { type = "datetime", column = "startTime", @operator = "<", value = "2024-09-01T12:00:00Z" })).Ids.ShouldBe([_a + "-s"]);
            (await List(path, new { type = "string", column = "input", @operator = "=", value = "x" })).Status.ShouldBe(400);
        }
    }

    [Fact]
    public async Task Scores_filter_on_their_columns_and_their_trace()
    {
        const string path = "/api/public/v2/scores";
        (await List(path, new { type = "number", column = "value", @operator = ">=", value = 0.5 })).Ids.ShouldBe([_a + "-q"]);
        (await List(path, new { type = "stringOptions", column = "dataType", @operator = "any of", value = new[] { "CATEGORICAL" } })).Ids.ShouldBe([_b + "-c"]);
        (await List(path, new { type = "string", column = "comment", @operator = "contains", value = "great" })).Ids.ShouldBe([_a + "-q"]);
        (await List(path + "?name=quality", new { type = "string", column = "traceName", @operator = "=", value = "batch" })).Ids.ShouldBe([_b + "-q"]);
        var (status, _, body) = await List(path, new { type = "number", column = "value", @operator = "≈", value = 1 });
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain("value");
    }
}
