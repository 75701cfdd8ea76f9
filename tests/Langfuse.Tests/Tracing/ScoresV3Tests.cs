using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

[Collection(ReadsCollection.Name)]
public sealed class ScoresV3Tests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string _trace = "v3-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        await app.Host.IngestAsync(_project,
            Event("score-create", new { id = _trace + "-n", traceId = _trace, name = "accuracy", value = 0.7, comment = "ok" }, 1),
            Event("score-create", new { id = _trace + "-b", traceId = _trace, observationId = _trace + "-o", name = "pass", value = 1, dataType = "BOOLEAN" }, 2),
            Event("score-create", new { id = _trace + "-c", sessionId = "v3-session", name = "tone", value = "kind" }, 3),
            Event("score-create", new { id = _trace + "-r", datasetRunId = "run-1", name = "accuracy", value = 0.2 }, 4));
        await app.Host.GetWhenAsync(_project, "/api/public/v2/scores", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 4);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Scores_come_with_typed_values_and_subjects_through_a_cursor()
    {
        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var (status, body) = await app.Host.GetAsync(_project, "/api/public/v3/scores?limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            status.ShouldBe(200, body.ToString());
            body.GetProperty("meta").GetProperty("limit").GetInt32().ShouldBe(3);
            seen.AddRange(body.GetProperty("data").EnumerateArray());
            cursor = body.GetProperty("meta").TryGetProperty("cursor", out var c) ? c.GetString() : null;
        } while (cursor is not null);
        var byId = seen.ToDictionary(s => s.GetProperty("id").GetString()!);
        byId.Count.ShouldBe(4);
        byId[_trace + "-n"].GetProperty("value").GetDouble().ShouldBe(0.7);
        byId[_trace + "-n"].GetProperty("subject").GetProperty("type").GetString().ShouldBe("TRACE");
        byId[_trace + "-b"].GetProperty("value").GetBoolean().ShouldBeTrue();
        byId[_trace + "-b"].GetProperty("subject").GetProperty("type").GetString().ShouldBe("OBSERVATION");
        byId[_trace + "-c"].GetProperty("value").GetString().ShouldBe("kind");
        byId[_trace + "-c"].GetProperty("subject").GetProperty("type").GetString().ShouldBe("SESSION");
        byId[_trace + "-r"].GetProperty("subject").GetProperty("type").GetString().ShouldBe("EXPERIMENT");
    }

    [Fact]
    public async Task Filters_narrow_and_misuse_is_400()
    {
        async Task<List<string>> Ids(string query) =>
            (await app.Host.GetAsync(_project, "/api/public/v3/scores?" + query)).Body.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        (await Ids("name=accuracy")).ShouldBe([_trace + "-r", _trace + "-n"]);
        (await Ids("name=accuracy&valueMin=0.5")).ShouldBe([_trace + "-n"]);
        (await Ids($"traceId={_trace}")).ShouldBe([_trace + "-b", _trace + "-n"]);
        (await Ids("dataType=BOOLEAN,CATEGORICAL")).ShouldBe([_trace + "-c", _trace + "-b"]);
        (await Ids("experimentId=run-1")).ShouldBe([_trace + "-r"]);
        var (_, slim) = await app.Host.GetAsync(_project, $"/api/public/v3/scores?fields=details&id={_trace}-n");
        slim.GetProperty("data")[0].GetProperty("comment").GetString().ShouldBe("ok");
        slim.GetProperty("data")[0].TryGetProperty("subject", out _).ShouldBeFalse();
        (await app.Host.GetAsync(_project, "/api/public/v3/scores?userId=u")).Status.ShouldBe(400);
        (await app.Host.GetAsync(_project, "/api/public/v3/scores?traceId=a&sessionId=b")).Status.ShouldBe(400);
        (await app.Host.GetAsync(_project, "/api/public/v3/scores?cursor=%%%")).Status.ShouldBe(400);
    }
}
