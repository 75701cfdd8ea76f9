using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

[Collection(ReadsCollection.Name)]
public sealed class ObservationsV2Tests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string _trace = "v2-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        var events = new List<System.Text.Json.Nodes.JsonObject>
        {
            Event("trace-create", new { id = _trace, name = "v2-trace", userId = "v2-user", sessionId = "v2-session", tags = new[] { "t" } }),
            Event("span-create", new { id = _trace + "-root", traceId = _trace, name = "root", startTime = "2024-08-01T00:00:00.000Z", input = new { a = 1 }, metadata = new { long_text = new string('x', 300) } }),
        };
        for (var i = 0; i < 5; i++)
            events.Add(Event("generation-create", new { id = $"{_trace}-g{i}", traceId = _trace, parentObservationId = _trace + "-root", name = "llm", model = "gpt-4o-mini",
                startTime = $"2024-08-01T00:00:0{i + 1}.000Z", usage = new { input = 10, output = 5 } }));
        await app.Host.IngestAsync(_project, events.ToArray());
        await app.Host.GetWhenAsync(_project, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 6);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Cursor_pages_walk_every_observation_once_newest_first()
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (status, body) = await app.Host.GetAsync(_project, "/api/public/v2/observations?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            status.ShouldBe(200, body.ToString());
            seen.AddRange(body.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("id").GetString()!));
            cursor = body.GetProperty("meta").TryGetProperty("cursor", out var c) ? c.GetString() : null;
        } while (cursor is not null);
        seen.ShouldBe([$"{_trace}-g4", $"{_trace}-g3", $"{_trace}-g2", $"{_trace}-g1", $"{_trace}-g0", _trace + "-root"]);
        (await app.Host.GetAsync(_project, "/api/public/v2/observations?cursor=garbage")).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Field_groups_and_filters_shape_the_answer()
    {
        var (_, basic) = await app.Host.GetAsync(_project, "/api/public/v2/observations?parentObservationId=");
        var root = basic.GetProperty("data").EnumerateArray().Single();
        root.GetProperty("name").GetString().ShouldBe("root");
        root.GetProperty("isRootObservation").GetBoolean().ShouldBeTrue();
        root.TryGetProperty("input", out _).ShouldBeFalse();

        var (_, rich) = await app.Host.GetAsync(_project, "/api/public/v2/observations?isRootObservation=true&fields=io,metadata,trace_context");
        var r = rich.GetProperty("data")[0];
        r.GetProperty("input").GetString().ShouldBe("{\"a\":1}"); // raw string, as stored
        r.GetProperty("metadata").GetProperty("long_text").GetString()!.Length.ShouldBe(200);
        r.GetProperty("userId").GetString().ShouldBe("v2-user");
        r.GetProperty("traceName").GetString().ShouldBe("v2-trace");
        var (_, expanded) = await app.Host.GetAsync(_project, "/api/public/v2/observations?isRootObservation=true&fields=metadata&expandMetadata=true");
        expanded.GetProperty("data")[0].GetProperty("metadata").GetProperty("long_text").GetString()!.Length.ShouldBe(300);

        var (_, usage) = await app.Host.GetAsync(_project, $"/api/public/v2/observations?type=GENERATION&sessionId=v2-session&fields=usage,model&limit=10");
        usage.GetProperty("data").GetArrayLength().ShouldBe(5);
        usage.GetProperty("data")[0].GetProperty("usageDetails").GetProperty("total").GetInt64().ShouldBe(15);
        usage.GetProperty("data")[0].GetProperty("providedModelName").GetString().ShouldBe("gpt-4o-mini");
        usage.GetProperty("meta").TryGetProperty("cursor", out _).ShouldBeFalse();

        (await app.Host.GetAsync(_project, "/api/public/v2/observations?fields=everything")).Status.ShouldBe(400);
        (await app.Host.GetAsync(_project, "/api/public/v2/observations?parseIoAsJson=true")).Status.ShouldBe(400);
        (await app.Host.GetAsync(_project, "/api/public/v2/observations?limit=1001")).Status.ShouldBe(400);
    }
}
