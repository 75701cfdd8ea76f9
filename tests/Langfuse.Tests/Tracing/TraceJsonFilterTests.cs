using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

[Collection(ReadsCollection.Name)]
public sealed class TraceJsonFilterTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string _a = "fa-" + Guid.NewGuid().ToString("N")[..6];
    readonly string _b = "fb-" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = _a, name = "checkout-flow", userId = "u1", tags = new[] { "web", "beta" }, metadata = new { plan = "pro", seats = 12 }, timestamp = "2024-10-01T00:00:00.000Z" }),
            Event("trace-create", new { id = _b, name = "search", tags = new[] { "api" }, metadata = new { plan = "free", seats = 1 }, timestamp = "2024-10-05T00:00:00.000Z" }),
            Event("generation-create", new { id = _a + "-g", traceId = _a, model = "gpt-4o-mini", usage = new { input = 1000, output = 500 },
                startTime = "2024-10-01T00:00:00.000Z", endTime = "2024-10-01T00:00:03.000Z", level = "ERROR" }),
            Event("score-create", new { id = _a + "-s", traceId = _a, name = "quality", value = 0.9 }));
        await app.Host.GetWhenAsync(_project, "/api/public/traces", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 2
            && b.GetProperty("data").EnumerateArray().Any(t => t.GetProperty("observations").GetArrayLength() == 1 && t.GetProperty("scores").GetArrayLength() == 1));
        // The per-trace figures behind the all-time aggregate filters are written just after the observations.
        await Eventually.Async(async () => (await Filter(new object[] { new { type = "number", column = "totalTokens", @operator = ">=", value = 1500 } })).Ids.SequenceEqual([_a]), TimeSpan.FromSeconds(10), "the figures of the trace were not written");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(int Status, List<string> Ids, JsonElement Body)> Filter(object filter)
    {
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/traces?userId=nobody&filter=" + Uri.EscapeDataString(JsonSerializer.Serialize(filter)));
        return (status, status == 200 ? body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList() : [], body);
    }

    [Fact]
    public async Task The_json_filter_takes_precedence_and_covers_columns_tags_and_metadata()
    {
        (await Filter(new object[] { new { type = "string", column = "name", @operator = "starts with", value = "check" } })).Ids.ShouldBe([_a]);
        (await Filter(new object[] { new { type = "arrayOptions", column = "tags", @operator = "any of", value = new[] { "api", "beta" } } })).Ids.ShouldBe([_b, _a]);
        (await Filter(new object[] { new { type = "arrayOptions", column = "tags", @operator = "all of", value = new[] { "web", "beta" } } })).Ids.ShouldBe([_a]);
        (await Filter(new object[] { new { type = "datetime", column = "timestamp", @operator = ">", value = "2024-10-02T00:00:00Z" } })).Ids.ShouldBe([_b]);
        (await Filter(new object[] { new { type = "stringObject", column = "metadata", key = "plan", @operator = "=", value = "pro" } })).Ids.ShouldBe([_a]);
        (await Filter(new object[] { new { type = "numberObject", column = "metadata", key = "seats", @operator = ">", value = 5 } })).Ids.ShouldBe([_a]);
        (await Filter(new object[] { new { type = "null", column = "userId", @operator = "is null" } })).Ids.ShouldBe([_b]);
        (await Filter(new object[]
        {
            new { type = "stringOptions", column = "name", @operator = "none of", value = new[] { "search" } },
            new { type = "string", column = "userId", @operator = "=", value = "u1" },
        })).Ids.ShouldBe([_a]);
    }

    [Fact]
    public async Task Aggregated_observation_metrics_and_scores_filter_traces()
    {
        object Number(string column, string op, double value) => new object[] { new { type = "number", column, @operator = op, value } };
        (await Filter(Number("totalCost", ">", 0))).Ids.ShouldBe([_a]);
        (await Filter(Number("totalTokens", ">=", 1500))).Ids.ShouldBe([_a]);
        (await Filter(Number("inputTokens", "<", 10))).Ids.ShouldBe([_b]); // no observations: zero tokens
        (await Filter(Number("latency", ">=", 3))).Ids.ShouldBe([_a]);
        (await Filter(Number("latency", "<", 100))).Ids.ShouldBe([_a]); // no observations: no latency, not zero
        (await Filter(Number("errorCount", "=", 1))).Ids.ShouldBe([_a]);
        (await Filter(Number("scores_avg", ">", 0.5))).Ids.ShouldBe([_a]);
    }

    [Fact]
    public async Task Unknown_columns_operators_and_bad_json_are_400()
    {
        (await Filter(new object[] { new { type = "string", column = "secret", @operator = "=", value = "x" } })).Status.ShouldBe(400);
        (await Filter(new object[] { new { type = "string", column = "name", @operator = "sounds like", value = "x" } })).Status.ShouldBe(400);
        (await Filter(new object[] { new { type = "string", column = "totalCost", @operator = ">", value = "1" } })).Body.GetProperty("message").GetString()!.ShouldContain("type must be number");
        (await app.Host.GetAsync(_project, "/api/public/traces?filter=" + Uri.EscapeDataString("{not json"))).Status.ShouldBe(400);
    }
}
