using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>The legacy GET /api/public/metrics: the v2 query object, plus the traces view with its children's measures.</summary>
[Collection(ReadsCollection.Name)]
public sealed class LegacyMetricsTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly DateTimeOffset _at = DateTimeOffset.UtcNow.AddHours(-1);

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id, name = "support", userId = "ann", tags = new[] { "vip" }, timestamp = Iso(_at) }),
            Event("trace-create", new { id = id + "-other", name = "batch", userId = "bob", timestamp = Iso(_at) }),
            Event("generation-create", new { id = id + "-1", traceId = id, model = "gpt-4o-mini", usage = new { input = 100, output = 50 }, startTime = Iso(_at), endTime = Iso(_at.AddSeconds(2)) }),
            Event("generation-create", new { id = id + "-2", traceId = id, model = "gpt-4o-mini", usage = new { input = 10, output = 5 }, startTime = Iso(_at.AddSeconds(1)), endTime = Iso(_at.AddSeconds(4)) }),
            Event("score-create", new { id = id + "-s", traceId = id, name = "quality", value = 1 }));
        await app.Host.GetWhenAsync(_project, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 2);
        await app.Host.GetWhenAsync(_project, "/api/public/v2/scores", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 1);
        await app.Host.GetWhenAsync(_project, "/api/public/traces", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 2);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_traces_view_measures_each_traces_observations_and_scores()
    {
        var query = new
        {
            view = "traces", dimensions = new[] { new { field = "name" } },
            metrics = new[]
            {
                new { measure = "count", aggregation = "count" }, new { measure = "observationsCount", aggregation = "sum" },
                new { measure = "scoresCount", aggregation = "sum" }, new { measure = "latency", aggregation = "max" },
                new { measure = "totalTokens", aggregation = "sum" }, new { measure = "uniqueUserIds", aggregation = "count" },
            },
            filters = new object[] { new { column = "tags", @operator = "any of", value = new[] { "vip" }, type = "arrayOptions" } },
            fromTimestamp = Iso(_at.AddDays(-1)), toTimestamp = Iso(_at.AddDays(1)),
        };
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/metrics?query=" + Uri.EscapeDataString(JsonSerializer.Serialize(query)));
        status.ShouldBe(200, body.ToString());
        var row = body.GetProperty("data").EnumerateArray().Single();
        row.GetProperty("name").GetString().ShouldBe("support");
        row.GetProperty("count_count").GetDouble().ShouldBe(1);
        row.GetProperty("sum_observationsCount").GetDouble().ShouldBe(2);
        row.GetProperty("sum_scoresCount").GetDouble().ShouldBe(1);
        row.GetProperty("max_latency").GetDouble().ShouldBe(4000);
        row.GetProperty("sum_totalTokens").GetDouble().ShouldBe(165);
        row.GetProperty("count_uniqueUserIds").GetDouble().ShouldBe(1);

        // The same query object, observations view, on the legacy path; the traces view stays v1-only.
        var observations = query with { view = "observations", dimensions = query.dimensions[..0], filters = Array.Empty<object>(),
            metrics = new[] { new { measure = "count", aggregation = "count" } } };
        var (legacyStatus, legacy) = await app.Host.GetAsync(_project, "/api/public/metrics?query=" + Uri.EscapeDataString(JsonSerializer.Serialize(observations)));
        legacyStatus.ShouldBe(200, legacy.ToString());
        legacy.GetProperty("data")[0].GetProperty("count_count").GetDouble().ShouldBe(2);
        (await app.Host.GetAsync(_project, "/api/public/v2/metrics?query=" + Uri.EscapeDataString(JsonSerializer.Serialize(query)))).Status.ShouldBe(400);
    }
}
