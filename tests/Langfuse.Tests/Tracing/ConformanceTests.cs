using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>Differences from Langfuse found by running its contract against this service, each pinned down.</summary>
[Collection(ReadsCollection.Name)]
public sealed class ConformanceTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Metadata_strings_that_look_like_numbers_stay_strings_and_numbers_keep_every_digit()
    {
        var id = Guid.NewGuid().ToString();
        var json = $$"""{"batch":[{"id":"{{Guid.NewGuid()}}","type":"trace-create","timestamp":"{{Iso(DateTimeOffset.UtcNow)}}","body":{"id":"{{id}}","metadata":{"snowflake":"1983516295378495150","answer":"42","flag":"true","quoted":"\"q\"","number":42,"big":1983516295378495150,"plain":"hello"} } }]}""";
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl("/api/public/ingestion");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.StatusCodeShouldBe(207);
        });
        var metadata = (await app.Host.TraceWhenAsync(_project, id, _ => true)).GetProperty("metadata");
        metadata.GetProperty("snowflake").GetString().ShouldBe("1983516295378495150");
        metadata.GetProperty("answer").GetString().ShouldBe("42");
        metadata.GetProperty("flag").GetString().ShouldBe("true");
        metadata.GetProperty("quoted").GetString().ShouldBe("\"q\"");
        metadata.GetProperty("plain").GetString().ShouldBe("hello");
        metadata.GetProperty("number").GetInt32().ShouldBe(42);
        metadata.GetProperty("big").GetRawText().ShouldBe("1983516295378495150");

        // Filters see the value as sent.
        var filter = Uri.EscapeDataString("""[{"type":"stringObject","column":"metadata","key":"answer","operator":"=","value":"42"}]""");
        var (_, list) = await app.Host.GetAsync(_project, $"/api/public/traces?filter={filter}");
        list.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ShouldBe([id]);
    }

    [Fact]
    public async Task Observations_carry_the_deprecated_token_fields_the_legacy_sdk_reads()
    {
        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId }),
            Event("generation-create", new { id = traceId + "-g", traceId, model = "x-unpriced", usage = new { input = 7, output = 3 } }));
        var trace = await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(1));
        var generation = trace.GetProperty("observations")[0];
        generation.GetProperty("promptTokens").GetInt64().ShouldBe(7);
        generation.GetProperty("completionTokens").GetInt64().ShouldBe(3);
        generation.GetProperty("totalTokens").GetInt64().ShouldBe(10);
    }

    [Fact]
    public async Task The_sessions_list_honours_environment()
    {
        var (prod, dev) = ("s-prod-" + Guid.NewGuid().ToString("N")[..6], "s-dev-" + Guid.NewGuid().ToString("N")[..6]);
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = Guid.NewGuid().ToString(), sessionId = prod, environment = "production" }),
            Event("trace-create", new { id = Guid.NewGuid().ToString(), sessionId = dev, environment = "development" }));
        await app.Host.GetWhenAsync(_project, "/api/public/sessions", s => s.GetProperty("data").GetArrayLength() == 2);
        var (_, only) = await app.Host.GetAsync(_project, "/api/public/sessions?environment=production");
        only.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe([prod]);
        only.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Scores_without_the_trace_field_group_have_no_trace_and_refuse_trace_filters()
    {
        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId, userId = "u" }), Event("score-create", new { id = traceId + "-s", traceId, name = "q", value = 1 }));
        var all = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores?traceId={traceId}", s => s.GetProperty("data").GetArrayLength() == 1);
        all.GetProperty("data")[0].TryGetProperty("trace", out _).ShouldBeTrue();
        var (_, scoresOnly) = await app.Host.GetAsync(_project, $"/api/public/v2/scores?traceId={traceId}&fields=score");
        scoresOnly.GetProperty("data")[0].TryGetProperty("trace", out _).ShouldBeFalse();
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/v2/scores?fields=score&userId=u");
        status.ShouldBe(400);
        Problems.Text(body).ShouldContain("trace");
    }

    [Theory]
    [InlineData("/api/public/observations?type=BOGUS", "type")]
    [InlineData("/api/public/observations?level=LOUD", "level")]
    [InlineData("/api/public/v2/scores?dataType=BOGUS", "dataType")]
    public async Task Unknown_enum_values_are_400_naming_the_parameter(string url, string parameter)
    {
        var (status, body) = await app.Host.GetAsync(_project, url);
        status.ShouldBe(400);
        Problems.Text(body).ShouldContain(parameter);
    }

    [Fact]
    public async Task An_update_older_than_its_create_keeps_the_creates_start_time_and_brings_its_end_time()
    {
        var traceId = Guid.NewGuid().ToString();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var end = start.AddSeconds(5);
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId }),
            Event("span-update", new { id = traceId + "-s", traceId, endTime = Iso(end) }, secondsOffset: -120),
            Event("span-create", new { id = traceId + "-s", traceId, startTime = Iso(start), name = "step" }, secondsOffset: 0));
        var span = (await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(1))).GetProperty("observations")[0];
        span.GetProperty("startTime").GetString().ShouldBe(Iso(start));
        span.GetProperty("endTime").GetString().ShouldBe(Iso(end));
        span.GetProperty("name").GetString().ShouldBe("step");
    }
}
