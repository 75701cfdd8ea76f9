using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>
/// Daily metrics serve whole days from rollups: a later write or a deletion touching a day shows on the next read,
/// and days cut by fromTimestamp count only what falls inside the range.
/// </summary>
[Collection(ReadsCollection.Name)]
public sealed class DailyMetricsTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string _a = "da-" + Guid.NewGuid().ToString("N")[..6];
    readonly string _b = "db-" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = _a, timestamp = "2024-03-01T10:00:00.000Z" }),
            Event("generation-create", new { id = _a + "-g1", traceId = _a, model = "gpt-4o-mini", usage = new { input = 100, output = 50 }, startTime = "2024-03-01T10:00:00.000Z" }),
            Event("trace-create", new { id = _b, timestamp = "2024-03-02T10:00:00.000Z" }),
            Event("generation-create", new { id = _b + "-g1", traceId = _b, model = "gpt-4o", usage = new { input = 7, output = 3 }, startTime = "2024-03-02T10:00:00.000Z" }));
        await app.Host.GetWhenAsync(_project, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 2);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    static JsonElement Day(JsonElement body, string date) =>
        body.GetProperty("data").EnumerateArray().Single(d => d.GetProperty("date").GetString() == date);

    [Fact]
    public async Task Later_writes_and_deletions_show_on_the_next_read()
    {
        var (_, before) = await app.Host.GetAsync(_project, "/api/public/metrics/daily");
        before.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("date").GetString()).ShouldBe(["2024-03-02", "2024-03-01"]);
        Day(before, "2024-03-01").GetProperty("countObservations").GetInt32().ShouldBe(1);
        (await app.Host.GetAsync(_project, "/api/public/metrics/daily")).Body.ToString().ShouldBe(before.ToString()); // served again, unchanged

        await app.Host.IngestAsync(_project, Event("generation-create", new
        {
            id = _a + "-g2", traceId = _a, model = "gpt-4o-mini", usage = new { input = 10, output = 5 }, startTime = "2024-03-01T11:00:00.000Z",
        }));
        var after = await app.Host.GetWhenAsync(_project, "/api/public/metrics/daily", b => Day(b, "2024-03-01").GetProperty("countObservations").GetInt32() == 2);
        var usage = Day(after, "2024-03-01").GetProperty("usage").EnumerateArray().Single();
        usage.GetProperty("inputUsage").GetInt64().ShouldBe(110);
        Day(after, "2024-03-01").GetProperty("countTraces").GetInt32().ShouldBe(1);

        (await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/traces/{_b}", null)).Status.ShouldBe(200);
        var gone = await app.Host.GetWhenAsync(_project, "/api/public/metrics/daily", b => b.GetProperty("data").GetArrayLength() == 1);
        gone.GetProperty("data")[0].GetProperty("date").GetString().ShouldBe("2024-03-01");
        gone.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task A_day_cut_by_the_range_counts_only_what_falls_inside()
    {
        // Traces from 10:30; observations from an hour earlier (Langfuse's allowance): the 10:00 trace is out, its generation in.
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/metrics/daily?fromTimestamp=2024-03-01T10:30:00Z&toTimestamp=2024-03-02T09:00:00Z");
        status.ShouldBe(200, body.ToString());
        var day = body.GetProperty("data").EnumerateArray().Single();
        day.GetProperty("date").GetString().ShouldBe("2024-03-01");
        day.GetProperty("countTraces").GetInt32().ShouldBe(0);
        day.GetProperty("countObservations").GetInt32().ShouldBe(1);
        (await app.Host.GetAsync(_project, "/api/public/metrics/daily?fromTimestamp=2024-03-03T00:00:00Z")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
    }
}
