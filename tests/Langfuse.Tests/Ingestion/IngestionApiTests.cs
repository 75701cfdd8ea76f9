using System.Text.Json;
using System.Text.Json.Nodes;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

[Collection(IngestionCollection.Name)]
public sealed class IngestionApiTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_mixed_batch_is_207_with_each_bad_event_named_and_the_good_ones_stored()
    {
        var traceId = Guid.NewGuid().ToString();
        var (status, body) = await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = traceId, name = "mixed" }, id: "good-trace"),
            Event("span-create", new { traceId, name = "no id" }, id: "span-without-id"),
            Event("trace-create", new { id = "x", name = 42 }, id: "name-not-string"),
            Event("generation-create", new { id = "g", traceId, promptName = "p" }, id: "prompt-half"),
            Event("no-such-type", new { id = "x" }, id: "bad-type"),
            new JsonObject { ["type"] = "trace-create", ["timestamp"] = Iso(DateTimeOffset.UtcNow), ["body"] = new JsonObject() },
            new JsonObject { ["id"] = "no-offset", ["type"] = "trace-create", ["timestamp"] = "2024-01-01T00:00:00", ["body"] = new JsonObject { ["id"] = "t" } },
            Event("score-create", new { id = "s", name = "n", value = 1, traceId, sessionId = "also" }, id: "two-targets"));

        status.ShouldBe(207);
        body.GetProperty("successes").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe(["good-trace"]);
        var errors = body.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e);
        errors.Count.ShouldBe(7);
        foreach (var error in errors.Values)
        {
            error.GetProperty("status").GetInt32().ShouldBe(400);
            error.GetProperty("message").GetString().ShouldBe("Invalid request data");
        }
        errors["span-without-id"].GetProperty("error").GetString()!.ShouldContain("body.id");
        errors["name-not-string"].GetProperty("error").GetString()!.ShouldContain("body.name: Expected string, received number");
        errors["prompt-half"].GetProperty("error").GetString()!.ShouldContain("promptVersion");
        errors["bad-type"].GetProperty("error").GetString()!.ShouldContain("no-such-type");
        errors["unknown"].GetProperty("error").GetString()!.ShouldContain("id");
        errors["no-offset"].GetProperty("error").GetString()!.ShouldContain("timestamp");
        errors["two-targets"].GetProperty("error").GetString()!.ShouldContain("exactly one of traceId");

        var trace = await app.Host.TraceWhenAsync(_project, traceId, _ => true);
        trace.GetProperty("name").GetString().ShouldBe("mixed");
    }

    [Fact]
    public async Task An_invalid_envelope_fails_the_whole_request_with_400()
    {
        var (status, body) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/ingestion", new { batch = "not an array" });
        status.ShouldBe(400);
        body.GetProperty("message").GetString().ShouldBe("Invalid request data");

        var malformed = await app.Host.Scenario(s =>
        {
            s.Post.Text("{\"batch\": [").ToUrl("/api/public/ingestion");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        (await malformed.ReadAsTextAsync()).ShouldContain("Invalid JSON");
    }

    [Fact]
    public async Task A_body_over_4_5_MB_is_413_and_nothing_is_stored()
    {
        var traceId = Guid.NewGuid().ToString();
        var big = new string('x', 4_800_000);
        var json = JsonSerializer.Serialize(new { batch = new[] { Event("trace-create", new { id = traceId, input = big }) } });
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl("/api/public/ingestion");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(413);
        });
        (await result.ReadAsTextAsync()).ShouldContain("\"message\"");
        var (status, _) = await app.Host.GetAsync(_project, $"/api/public/traces/{traceId}");
        status.ShouldBe(404);
    }

    [Fact]
    public async Task A_bearer_public_key_may_send_scores_but_nothing_else()
    {
        var traceId = Guid.NewGuid().ToString();
        var batch = new JsonObject
        {
            ["batch"] = new JsonArray(
                Event("trace-create", new { id = traceId }, id: "trace-event"),
                Event("score-create", new { id = Guid.NewGuid().ToString(), traceId, name = "bearer-score", value = 1 }, id: "score-event")),
        };
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(batch).ToUrl("/api/public/ingestion");
            s.WithRequestHeader("Authorization", "Bearer " + _project.PublicKey);
            s.StatusCodeShouldBe(207);
        });
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        body.GetProperty("successes").EnumerateArray().Single().GetProperty("id").GetString().ShouldBe("score-event");
        var denied = body.GetProperty("errors").EnumerateArray().Single();
        denied.GetProperty("id").GetString().ShouldBe("trace-event");
        denied.GetProperty("status").GetInt32().ShouldBe(401);
    }

    [Fact]
    public async Task Sdk_logs_and_events_without_entity_ids_are_accepted_and_not_stored()
    {
        var (status, body) = await app.Host.IngestAsync(_project,
            Event("sdk-log", new { log = new { message = "hello" } }, id: "log"),
            Event("trace-create", new { name = "no id" }, id: "idless"));
        status.ShouldBe(207);
        body.GetProperty("successes").GetArrayLength().ShouldBe(2);
        body.GetProperty("errors").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_trace_is_invisible_to_another_project_even_with_its_id()
    {
        var other = await app.CreateProjectAsync();
        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId, name = "private" }));
        await app.Host.TraceWhenAsync(_project, traceId, _ => true);

        var (status, body) = await app.Host.GetAsync(other, $"/api/public/traces/{traceId}");
        status.ShouldBe(404);
        body.GetProperty("message").GetString()!.ShouldContain("not found");
        (await app.Host.GetAsync(other, $"/api/public/observations/{traceId}")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Ids_with_slashes_and_spaces_round_trip()
    {
        var traceId = "folder/trace with space " + Guid.NewGuid().ToString("N")[..6];
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId, name = "odd id" }));
        var trace = await app.Host.TraceWhenAsync(_project, traceId, _ => true);
        trace.GetProperty("id").GetString().ShouldBe(traceId);
    }
}
