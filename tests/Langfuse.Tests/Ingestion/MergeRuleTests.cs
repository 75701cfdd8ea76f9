using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

/// <summary>Langfuse's merge rules (ingestion.md §3), each with events arriving in separate requests.</summary>
[Collection(IngestionCollection.Name)]
public sealed class MergeRuleTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    static string NewId() => Guid.NewGuid().ToString();

    [Fact]
    public async Task The_later_event_wins_even_when_it_arrives_first()
    {
        var id = NewId();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id, userId = "user-1" }, 10));
        await app.Host.TraceWhenAsync(_project, id, t => t.GetProperty("userId").GetString() == "user-1");
        await app.Host.IngestAsync(_project, Event("trace-create", new { id, userId = "user-2", name = "from the earlier event" }, 5));
        var trace = await app.Host.TraceWhenAsync(_project, id, t => t.GetProperty("name").ValueKind == JsonValueKind.String);
        trace.GetProperty("userId").GetString().ShouldBe("user-1");
        trace.GetProperty("name").GetString().ShouldBe("from the earlier event");
    }

    [Fact]
    public async Task Omitted_fields_keep_their_value_and_explicit_null_clears_it()
    {
        var traceId = NewId();
        var scoreId = NewId();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = traceId, name = "keep me", release = "r1" }, 0),
            Event("score-create", new { id = scoreId, traceId, name = "s", value = 1, comment = "Foo Bar" }, 0));
        await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{scoreId}", s => s.GetProperty("comment").GetString() == "Foo Bar");
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = traceId, release = (string?)null }, 1),
            Event("score-create", new { id = scoreId, traceId, name = "s", value = 1, comment = (string?)null }, 1));
        var score = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{scoreId}", s => s.GetProperty("comment").ValueKind == JsonValueKind.Null);
        score.GetProperty("name").GetString().ShouldBe("s");
        var trace = await app.Host.TraceWhenAsync(_project, traceId, t => t.GetProperty("release").ValueKind == JsonValueKind.Null);
        trace.GetProperty("name").GetString().ShouldBe("keep me");
    }

    [Fact]
    public async Task Immutable_fields_keep_their_first_value()
    {
        var id = NewId();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id, timestamp = "2024-01-01T00:00:00.000Z", environment = "staging", name = "first" }, 0));
        await app.Host.TraceWhenAsync(_project, id, _ => true);
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id, timestamp = "2025-01-01T00:00:00.000Z", environment = "production", name = "second" }, 1));
        var trace = await app.Host.TraceWhenAsync(_project, id, t => t.GetProperty("name").GetString() == "second");
        trace.GetProperty("timestamp").GetString().ShouldBe("2024-01-01T00:00:00.000Z");
        trace.GetProperty("environment").GetString().ShouldBe("staging");
    }

    [Fact]
    public async Task Metadata_deep_merges_and_tags_union()
    {
        var id = NewId();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id, metadata = new { step = 1, status = "started", nested = new { a = 1 } }, tags = new[] { "b" } }, 0));
        await app.Host.TraceWhenAsync(_project, id, _ => true);
        await app.Host.IngestAsync(_project, Event("trace-create", new { id, metadata = new { step = 2, error = "", nested = new { b = 2 } }, tags = new[] { "a", "b" } }, 1));
        var trace = await app.Host.TraceWhenAsync(_project, id, t => t.GetProperty("metadata").GetProperty("step").GetInt32() == 2);
        var metadata = trace.GetProperty("metadata");
        metadata.GetProperty("status").GetString().ShouldBe("started");
        metadata.GetProperty("error").GetString().ShouldBe("");
        metadata.GetProperty("nested").GetProperty("a").GetInt32().ShouldBe(1);
        metadata.GetProperty("nested").GetProperty("b").GetInt32().ShouldBe(2);
        trace.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task Input_and_output_take_the_last_non_empty_value()
    {
        var id = NewId();
        await app.Host.IngestAsync(_project, Event("span-create", new { id, traceId = id, input = "question", output = "answer" }, 0));
        await app.Host.GetWhenAsync(_project, $"/api/public/observations/{id}", _ => true);
        await app.Host.IngestAsync(_project, Event("span-update", new { id, traceId = id, input = "", output = (string?)null, name = "later" }, 1));
        var span = await app.Host.GetWhenAsync(_project, $"/api/public/observations/{id}", o => o.GetProperty("name").ValueKind == JsonValueKind.String);
        span.GetProperty("input").GetString().ShouldBe("question");
        span.GetProperty("output").GetString().ShouldBe("answer");
    }

    [Fact]
    public async Task An_update_that_arrives_before_its_create_still_merges_in_timestamp_order()
    {
        var traceId = NewId();
        var id = NewId();
        await app.Host.IngestAsync(_project, Event("generation-update", new { id, traceId, endTime = "2024-03-01T00:00:05.000Z", output = "done", level = "WARNING" }, 5));
        await app.Host.GetWhenAsync(_project, $"/api/public/observations/{id}", _ => true);
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = traceId, name = "late create" }, 0),
            Event("generation-create", new { id, traceId, name = "gen", startTime = "2024-03-01T00:00:00.000Z", level = "DEBUG", model = "gpt-4o-mini" }, 0));
        var generation = await app.Host.GetWhenAsync(_project, $"/api/public/observations/{id}", o => o.GetProperty("name").ValueKind == JsonValueKind.String);
        generation.GetProperty("startTime").GetString().ShouldBe("2024-03-01T00:00:00.000Z");
        generation.GetProperty("endTime").GetString().ShouldBe("2024-03-01T00:00:05.000Z");
        generation.GetProperty("level").GetString().ShouldBe("WARNING");
        generation.GetProperty("output").GetString().ShouldBe("done");
        generation.GetProperty("type").GetString().ShouldBe("GENERATION");
    }

    [Fact]
    public async Task Environments_are_normalised_as_Langfuse_does()
    {
        var cases = new Dictionary<string, string?>
        {
            ["LANGFUSE-Prod"] = "prod", ["langfuse_langfuse-x"] = "x", ["has space"] = "default", [""] = "default", ["dev_1-a"] = "dev_1-a",
        };
        foreach (var (given, expected) in cases)
        {
            var id = NewId();
            await app.Host.IngestAsync(_project, Event("trace-create", new { id, environment = given }));
            var trace = await app.Host.TraceWhenAsync(_project, id, _ => true);
            trace.GetProperty("environment").GetString().ShouldBe(expected, $"environment \"{given}\"");
        }
    }
}
