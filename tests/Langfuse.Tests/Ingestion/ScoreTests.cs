using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

[Collection(IngestionCollection.Name)]
public sealed class ScoreTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Scores_of_every_data_type_are_stored_as_Langfuse_inflates_them()
    {
        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project,
            Event("score-create", new { id = traceId + "-num", traceId, name = "accuracy", value = 0.75 }),
            Event("score-create", new { id = traceId + "-cat", traceId, name = "tone", value = "friendly" }),
            Event("score-create", new { id = traceId + "-bool", traceId, name = "ok", value = 1, dataType = "BOOLEAN" }),
            Event("score-create", new { id = traceId + "-text", traceId, name = "note", value = "free text", dataType = "TEXT" }),
            Event("score-create", new { id = traceId + "-corr", traceId, name = "whatever", value = "fixed output", dataType = "CORRECTION" }));

        var num = await app.Host.GetWhenAsync(_project, $"/api/public/scores/{traceId}-num", _ => true);
        num.GetProperty("dataType").GetString().ShouldBe("NUMERIC");
        num.GetProperty("value").GetDouble().ShouldBe(0.75);
        num.GetProperty("source").GetString().ShouldBe("API");
        num.TryGetProperty("stringValue", out _).ShouldBeFalse();

        var cat = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{traceId}-cat", _ => true);
        cat.GetProperty("dataType").GetString().ShouldBe("CATEGORICAL");
        cat.GetProperty("stringValue").GetString().ShouldBe("friendly");

        var boolean = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{traceId}-bool", _ => true);
        boolean.GetProperty("stringValue").GetString().ShouldBe("True");
        boolean.GetProperty("value").GetDouble().ShouldBe(1);

        var text = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{traceId}-text", _ => true);
        text.GetProperty("stringValue").GetString().ShouldBe("free text");

        var correction = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{traceId}-corr", _ => true);
        correction.GetProperty("name").GetString().ShouldBe("correction");
        correction.GetProperty("stringValue").GetString().ShouldBe("fixed output");
        (await app.Host.GetAsync(_project, $"/api/public/scores/{traceId}-corr")).Status.ShouldBe(404); // v1 hides corrections
    }

    [Fact]
    public async Task Post_scores_accepts_basic_and_bearer_and_validates()
    {
        var traceId = Guid.NewGuid().ToString();
        var (status, body) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/scores", new { traceId, name = "helpful", value = 1, comment = "c" });
        status.ShouldBe(200);
        var id = body.GetProperty("id").GetString()!;
        var score = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{id}", _ => true);
        score.GetProperty("traceId").GetString().ShouldBe(traceId);
        score.GetProperty("comment").GetString().ShouldBe("c");

        var bearer = await app.Host.Scenario(s =>
        {
            s.Post.Json(new { id = "given-" + traceId, sessionId = "session-1", name = "via-bearer", value = "good" }).ToUrl("/api/public/scores");
            s.WithRequestHeader("Authorization", "Bearer " + _project.PublicKey);
            s.StatusCodeShouldBe(200);
        });
        JsonDocument.Parse(await bearer.ReadAsTextAsync()).RootElement.GetProperty("id").GetString().ShouldBe("given-" + traceId);
        var sessionScore = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/given-{traceId}", _ => true);
        sessionScore.GetProperty("sessionId").GetString().ShouldBe("session-1");
        (await app.Host.GetAsync(_project, $"/api/public/scores/given-{traceId}")).Status.ShouldBe(404); // v1: trace scores only

        var (badStatus, bad) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/scores", new { name = "", value = 1, dataType = "BOOLEAN", traceId, source = "EVAL" });
        badStatus.ShouldBe(400);
        var messages = bad.GetProperty("error").EnumerateArray().Select(e => e.GetProperty("message").GetString()).ToList();
        messages.ShouldContain(m => m!.Contains("body.name"));
        messages.ShouldContain(m => m!.Contains("EVAL"));
    }

    [Fact]
    public async Task A_deleted_score_disappears_at_once_and_a_late_event_does_not_revive_it()
    {
        var traceId = Guid.NewGuid().ToString();
        var scoreId = traceId + "-s";
        await app.Host.IngestAsync(_project, Event("score-create", new { id = scoreId, traceId, name = "x", value = 2 }));
        await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{scoreId}", _ => true);

        var (status, body) = await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/scores/{scoreId}");
        status.ShouldBe(202);
        body.GetProperty("message").GetString()!.ShouldContain("deleted");
        (await app.Host.GetAsync(_project, $"/api/public/v2/scores/{scoreId}")).Status.ShouldBe(404);

        await app.Host.IngestAsync(_project, Event("score-create", new { id = scoreId, traceId, name = "x", value = 3 }, 5));
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId, name = "marker" }, 5));
        await app.Host.TraceWhenAsync(_project, traceId, _ => true); // the later batch was processed
        (await app.Host.GetAsync(_project, $"/api/public/v2/scores/{scoreId}")).Status.ShouldBe(404);
        (await app.Host.SendAsync(_project, HttpMethod.Delete, "/api/public/scores/no-such-score")).Status.ShouldBe(404);
    }
}
