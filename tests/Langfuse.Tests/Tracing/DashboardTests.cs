using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>The dashboard's figures, whole days of which are rolled up in Redis: they must never go stale.</summary>
[Collection(FoundationCollection.Name)]
public sealed class DashboardTests(AppFixture app) : IAsyncLifetime
{
    Team _team = null!;
    TestProject _key = null!;
    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    string Dashboard(string query) => $"/api/app/projects/{_team.ProjectId}/dashboard?{query}";
    const string February = "fromTimestamp=2026-02-01T00:00:00Z&toTimestamp=2026-02-06T00:00:00Z";

    public async Task InitializeAsync()
    {
        _team = await Team.CreateAsync(app.Host);
        _key = await _team.CreateSdkKeyAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task IngestTraceAsync(string id, string day, string environment, double latencySeconds, double score)
    {
        var start = DateTimeOffset.Parse($"{day}T10:00:00Z");
        var scoreEvent = Event("score-create", new { id = $"{id}-score", traceId = id, name = "quality", value = score, environment });
        scoreEvent["timestamp"] = Iso(start); // a score's time is its event's
        await app.Host.IngestAsync(_key,
            Event("trace-create", new { id, name = "chat", timestamp = Iso(start), environment }),
            Event("generation-create", new { id = $"{id}-gen", traceId = id, name = "answer", model = "gpt-4o", usage = new { input = 100, output = 10 },
                startTime = Iso(start), endTime = Iso(start.AddSeconds(latencySeconds)), environment }),
            scoreEvent);
        await app.Host.GetWhenAsync(_key, $"/api/public/traces/{id}", t => t.GetProperty("observations").GetArrayLength() == 1 && t.GetProperty("scores").GetArrayLength() == 1);
    }

    async Task<JsonElement> DashboardAsync(string query)
    {
        var (status, body) = await _team.Owner.GetAsync(Dashboard(query));
        status.ShouldBe(200);
        return body;
    }

    static long Traces(JsonElement dashboard) => dashboard.GetProperty("traces").EnumerateArray().Sum(p => p.GetProperty("count").GetInt64());

    [Fact]
    public async Task A_day_already_shown_takes_in_a_trace_that_arrives_later()
    {
        await IngestTraceAsync($"early-{_run}", "2026-02-03", "default", 2, 1);
        var before = await DashboardAsync(February);
        Traces(before).ShouldBe(1);
        (await DashboardAsync(February)).GetRawText().ShouldBe(before.GetRawText()); // the day now comes from its rollup

        await IngestTraceAsync($"late-{_run}", "2026-02-03", "default", 4, 0);
        var after = await DashboardAsync(February);
        Traces(after).ShouldBe(2);
        after.GetProperty("observations").EnumerateArray().Sum(p => p.GetProperty("count").GetInt64()).ShouldBe(2);
        var model = after.GetProperty("costByModel").EnumerateArray().Single();
        model.GetProperty("generations").GetInt64().ShouldBe(2);
        model.GetProperty("tokens").GetInt64().ShouldBe(220);
        after.GetProperty("traceLatency").GetProperty("p99").GetDouble().ShouldBe(4.0, 0.02);
        after.GetProperty("traceLatency").GetProperty("p50").GetDouble().ShouldBe(2.0, 0.01);
        var quality = after.GetProperty("scores").EnumerateArray().Single();
        (quality.GetProperty("average").GetDouble(), quality.GetProperty("count").GetInt64()).ShouldBe((0.5, 2L));
    }

    [Fact]
    public async Task Each_environment_has_its_own_figures_and_a_daily_range_starts_at_midnight()
    {
        await IngestTraceAsync($"prod-{_run}", "2026-03-10", "production", 1, 1);
        await IngestTraceAsync($"dev-{_run}", "2026-03-10", "development", 1, 1);
        const string march = "fromTimestamp=2026-03-09T15:00:00Z&toTimestamp=2026-03-12T00:00:00Z";
        for (var i = 0; i < 2; i++) // computed, then from rollups
        {
            Traces(await DashboardAsync(march)).ShouldBe(2);
            Traces(await DashboardAsync($"{march}&environment=production")).ShouldBe(1);
            Traces(await DashboardAsync($"{march}&environment=staging")).ShouldBe(0);
        }
        var body = await DashboardAsync(march);
        body.GetProperty("interval").GetString().ShouldBe("day");
        body.GetProperty("from").GetString().ShouldBe("2026-03-09T00:00:00.000Z");
        body.GetProperty("traces").EnumerateArray().Single().GetProperty("time").GetString().ShouldBe("2026-03-10T00:00:00.000Z");
    }

    [Fact]
    public async Task A_deleted_trace_leaves_the_figures_of_its_day()
    {
        await IngestTraceAsync($"gone-{_run}", "2026-04-02", "default", 1, 1);
        const string april = "fromTimestamp=2026-04-01T00:00:00Z&toTimestamp=2026-04-05T00:00:00Z";
        Traces(await DashboardAsync(april)).ShouldBe(1);
        (await _team.Owner.DeleteAsync($"/api/app/projects/{_team.ProjectId}/traces/gone-{_run}")).Status.ShouldBeInRange(200, 204);
        await Eventually.Async(async () => Traces(await DashboardAsync(april)) == 0, WaitForStored, "the deleted trace still counts on the dashboard");
    }
}
