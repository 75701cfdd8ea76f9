using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

[Collection(ReadsCollection.Name)]
public sealed class MetricsV2Tests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var (status, _) = await app.Host.IngestAsync(_project,
            Event("trace-create", new { id, name = "support", tags = new[] { "vip" }, release = "r1" }),
            Event("generation-create", new { id = id + "-1", traceId = id, name = "llm", model = "gpt-4o-mini", usage = new { input = 100, output = 50 }, startTime = "2024-09-01T10:00:00.000Z", endTime = "2024-09-01T10:00:01.000Z", environment = "production" }),
            Event("generation-create", new { id = id + "-2", traceId = id, name = "llm", model = "gpt-4o-mini", usage = new { input = 300, output = 150 }, startTime = "2024-09-01T11:00:00.000Z", endTime = "2024-09-01T11:00:03.000Z", environment = "production" }),
            Event("generation-create", new { id = id + "-3", traceId = id, name = "llm", model = "gpt-4o", usage = new { input = 10, output = 10 }, startTime = "2024-09-02T10:00:00.000Z", environment = "staging" }),
            Event("span-create", new { id = id + "-4", traceId = id, name = "step", startTime = "2024-09-02T10:00:00.000Z" }),
            Event("score-create", new { id = id + "-s1", traceId = id, name = "quality", value = 0.5 }, 0),
            Event("score-create", new { id = id + "-s2", traceId = id, name = "quality", value = 1.0 }, 0),
            Event("score-create", new { id = id + "-s3", traceId = id, name = "tone", value = "kind" }, 0));
        status.ShouldBe(207);
        await app.Host.GetWhenAsync(_project, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 4);
        await app.Host.GetWhenAsync(_project, "/api/public/v2/scores", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(int Status, JsonElement Body)> Query(object query) =>
        await app.Host.GetAsync(_project, "/api/public/v2/metrics?query=" + Uri.EscapeDataString(JsonSerializer.Serialize(query)));

    [Fact]
    public async Task Observations_group_by_dimensions_and_time_with_aggregated_measures()
    {
        var (status, body) = await Query(new
        {
            view = "observations",
            dimensions = new[] { new { field = "providedModelName" } },
            metrics = new[] { new { measure = "count", aggregation = "count" }, new { measure = "totalTokens", aggregation = "sum" }, new { measure = "latency", aggregation = "max" } },
            filters = new object[] { new { column = "type", @operator = "=", value = "GENERATION", type = "string" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z",
            orderBy = new[] { new { field = "sum_totalTokens", direction = "desc" } },
        });
        status.ShouldBe(200, body.ToString());
        var rows = body.GetProperty("data").EnumerateArray().ToList();
        rows.Count.ShouldBe(2);
        rows[0].GetProperty("providedModelName").GetString().ShouldBe("gpt-4o-mini");
        rows[0].GetProperty("count_count").GetDouble().ShouldBe(2);
        rows[0].GetProperty("sum_totalTokens").GetDouble().ShouldBe(600);
        rows[0].GetProperty("max_latency").GetDouble().ShouldBe(3000);
        rows[1].GetProperty("providedModelName").GetString().ShouldBe("gpt-4o");

        var (_, byDay) = await Query(new
        {
            view = "observations", metrics = new[] { new { measure = "count", aggregation = "count" } },
            timeDimension = new { granularity = "day" }, fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z",
        });
        byDay.GetProperty("data").EnumerateArray().Select(r => (r.GetProperty("time_dimension").GetString(), r.GetProperty("count_count").GetDouble()))
            .ShouldBe([("2024-09-01T00:00:00.000Z", 2.0), ("2024-09-02T00:00:00.000Z", 2.0)]);

        var (_, filtered) = await Query(new
        {
            view = "observations", metrics = new[] { new { measure = "count", aggregation = "count" } },
            filters = new object[] { new { column = "environment", @operator = "any of", value = new[] { "staging" }, type = "stringOptions" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z",
        });
        filtered.GetProperty("data")[0].GetProperty("count_count").GetDouble().ShouldBe(1);
    }

    [Fact]
    public async Task Score_views_aggregate_values_and_categories()
    {
        var now = DateTimeOffset.UtcNow;
        var range = new { from = now.AddDays(-1).ToString("O"), to = now.AddDays(1).ToString("O") };
        var (_, numeric) = await Query(new
        {
            view = "scores-numeric", dimensions = new[] { new { field = "name" } },
            metrics = new[] { new { measure = "value", aggregation = "avg" } }, fromTimestamp = range.from, toTimestamp = range.to,
        });
        var row = numeric.GetProperty("data").EnumerateArray().Single();
        row.GetProperty("name").GetString().ShouldBe("quality");
        row.GetProperty("avg_value").GetDouble().ShouldBe(0.75);

        var (_, categorical) = await Query(new
        {
            view = "scores-categorical", dimensions = new[] { new { field = "stringValue" } },
            metrics = new[] { new { measure = "count", aggregation = "count" } }, fromTimestamp = range.from, toTimestamp = range.to,
        });
        categorical.GetProperty("data").EnumerateArray().Single().GetProperty("stringValue").GetString().ShouldBe("kind");
    }

    [Fact]
    public async Task Parent_trace_dimensions_and_histograms()
    {
        var (status, body) = await Query(new
        {
            view = "observations", dimensions = new[] { new { field = "traceName" }, new { field = "release" } },
            metrics = new[] { new { measure = "count", aggregation = "count" } },
            filters = new object[] { new { column = "tags", @operator = "any of", value = new[] { "vip" }, type = "arrayOptions" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z",
        });
        status.ShouldBe(200, body.ToString());
        var row = body.GetProperty("data").EnumerateArray().Single();
        (row.GetProperty("traceName").GetString(), row.GetProperty("release").GetString(), row.GetProperty("count_count").GetDouble()).ShouldBe(("support", "r1", 4.0));

        var (_, histogram) = await Query(new
        {
            view = "observations", metrics = new[] { new { measure = "latency", aggregation = "histogram" } },
            filters = new object[] { new { column = "type", @operator = "=", value = "GENERATION", type = "string" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z", config = new { bins = 2 },
        });
        var bins = histogram.GetProperty("data")[0].GetProperty("histogram_latency").EnumerateArray().ToList();
        bins.Count.ShouldBeInRange(1, 2);
        bins.Sum(b => b[2].GetDouble()).ShouldBe(3, 1e-9); // [lower, upper, height]: the heights add up to the generations
        bins.Min(b => b[0].GetDouble()).ShouldBe(0);
        bins.Max(b => b[1].GetDouble()).ShouldBe(3000);

        var now = DateTimeOffset.UtcNow;
        var (_, scores) = await Query(new
        {
            view = "scores-numeric", dimensions = new[] { new { field = "traceName" } }, metrics = new[] { new { measure = "value", aggregation = "max" } },
            fromTimestamp = now.AddDays(-1).ToString("O"), toTimestamp = now.AddDays(1).ToString("O"),
        });
        var scoreRow = scores.GetProperty("data").EnumerateArray().Single();
        (scoreRow.GetProperty("traceName").GetString(), scoreRow.GetProperty("max_value").GetDouble()).ShouldBe(("support", 1.0));

        var (badBins, message) = await Query(new
        {
            view = "observations", metrics = new[] { new { measure = "latency", aggregation = "histogram" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z", config = new { bins = 500 },
        });
        badBins.ShouldBe(400);
        message.GetProperty("message").GetString()!.ShouldContain("bins");
    }

    [Theory]
    [InlineData("{\"view\":\"traces\",\"metrics\":[{\"measure\":\"count\",\"aggregation\":\"count\"}],\"fromTimestamp\":\"2024-01-01T00:00:00Z\",\"toTimestamp\":\"2024-02-01T00:00:00Z\"}", "query.view")]
    [InlineData("{\"view\":\"observations\",\"metrics\":[{\"measure\":\"secret\",\"aggregation\":\"sum\"}],\"fromTimestamp\":\"2024-01-01T00:00:00Z\",\"toTimestamp\":\"2024-02-01T00:00:00Z\"}", "not a measure")]
    [InlineData("{\"view\":\"observations\",\"dimensions\":[{\"field\":\"id; DROP TABLE traces\"}],\"metrics\":[{\"measure\":\"count\",\"aggregation\":\"count\"}],\"fromTimestamp\":\"2024-01-01T00:00:00Z\",\"toTimestamp\":\"2024-02-01T00:00:00Z\"}", "not a dimension")]
    [InlineData("{\"view\":\"observations\",\"metrics\":[{\"measure\":\"count\",\"aggregation\":\"count\"}]}", "fromTimestamp")]
    [InlineData("not json", "query")]
    public async Task Bad_queries_are_400_naming_the_problem(string query, string expected)
    {
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/v2/metrics?query=" + Uri.EscapeDataString(query));
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain(expected);
    }
}
