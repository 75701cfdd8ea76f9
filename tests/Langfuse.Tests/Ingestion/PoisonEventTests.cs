using System.Text;
using System.Text.Json;
using Langfuse.Features.Ingestion;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Infrastructure.Messaging.RedisStreams;
using Langfuse.Tests.Infrastructure;
using StackExchange.Redis;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

/// <summary>
/// One bad event never costs its neighbours: values the worker could not store are refused per event at the edge,
/// and an event that still fails in the worker is quarantined alone while the rest of its round is stored.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class PoisonEventTests(AppFixture app, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    static string Errors(JsonElement body) => string.Join(" | ", body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("id").GetString() + ": " + e.GetProperty("error").GetString()));

    async Task<(int Status, JsonElement Body)> PostRaw(byte[] body, string url = "/api/public/ingestion")
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.ByteArray(body).ToUrl(url);
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.IgnoreStatusCode();
        });
        var text = await result.ReadAsTextAsync();
        return (result.Context.Response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Values_the_worker_could_not_store_are_a_400_for_their_event_alone()
    {
        var traceId = Guid.NewGuid().ToString();
        var good = new[]
        {
            Event("trace-create", new { id = traceId, name = "neighbours" }, id: "good-trace"),
            Event("span-create", new { id = traceId + "-s", traceId, name = "span" }, id: "good-span"),
        };
        // Written as raw JSON: 1e400 is a valid JSON number that no JSON writer can write back (Infinity).
        var bad = new Dictionary<string, string>
        {
            ["infinite-score"] = $$$"""{"id":"infinite-score","type":"score-create","timestamp":"{{{Iso(DateTimeOffset.UtcNow)}}}","body":{"id":"s1","traceId":"{{{traceId}}}","name":"x","value":1e400}}""",
            ["lone-surrogate"] = $$$"""{"id":"lone-surrogate","type":"span-create","timestamp":"{{{Iso(DateTimeOffset.UtcNow)}}}","body":{"id":"x1","traceId":"{{{traceId}}}","input":"cut emoji \ud83d"}}""",
            ["huge-cost"] = $$$"""{"id":"huge-cost","type":"generation-create","timestamp":"{{{Iso(DateTimeOffset.UtcNow)}}}","body":{"id":"x2","traceId":"{{{traceId}}}","costDetails":{"total":1e29} } }""",
            ["huge-usage"] = $$$"""{"id":"huge-usage","type":"generation-create","timestamp":"{{{Iso(DateTimeOffset.UtcNow)}}}","body":{"id":"x3","traceId":"{{{traceId}}}","usageDetails":{"input":9223372036854775807,"output":9223372036854775807} } }""",
            ["far-future"] = $$$"""{"id":"far-future","type":"trace-create","timestamp":"2300-01-01T00:00:00.000Z","body":{"id":"x4"}}""",
            ["long-name"] = $$$"""{"id":"long-name","type":"trace-create","timestamp":"{{{Iso(DateTimeOffset.UtcNow)}}}","body":{"id":"x5","name":"{{{new string('n', 1001)}}}"}}""",
        };
        var json = "{\"batch\":[" + string.Join(",", good.Select(g => g.ToJsonString()).Concat(bad.Values)) + "]}";
        var (status, body) = await PostRaw(Encoding.UTF8.GetBytes(json));

        status.ShouldBe(207);
        body.GetProperty("successes").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe(["good-trace", "good-span"], ignoreOrder: true);
        var errors = body.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("error").GetString()!);
        errors.Keys.ShouldBe(bad.Keys, ignoreOrder: true);
        errors["infinite-score"].ShouldContain("body.value");
        errors["lone-surrogate"].ShouldContain("body.input: invalid text");
        errors["huge-cost"].ShouldContain("body.costDetails.total");
        errors["huge-usage"].ShouldContain("body.usageDetails.input");
        errors["far-future"].ShouldContain("timestamp");
        errors["long-name"].ShouldContain("body.name");
        foreach (var e in body.GetProperty("errors").EnumerateArray()) e.GetProperty("status").GetInt32().ShouldBe(400);

        await app.Host.TraceWhenAsync(_project, traceId, t => t.GetProperty("observations").GetArrayLength() == 1);
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_string_is_a_400_for_that_event_not_a_500()
    {
        var traceId = Guid.NewGuid().ToString();
        var head = Encoding.UTF8.GetBytes($$$"""{"batch":[{"id":"bad-bytes","type":"trace-create","timestamp":"{{{Iso(DateTimeOffset.UtcNow)}}}","body":{"id":"{{{traceId}}}-bad","name":" """);
        var tail = Encoding.UTF8.GetBytes($$$"""" "}},{"id":"ok","type":"trace-create","timestamp":"{{{Iso(DateTimeOffset.UtcNow)}}}","body":{"id":"{{{traceId}}}"}}]}"""");
        var (status, body) = await PostRaw([.. head, 0xff, 0xfe, .. tail]);

        status.ShouldBe(207, body.ToString());
        Errors(body).ShouldContain("bad-bytes: body.name: invalid text", customMessage: body.ToString());
        body.GetProperty("successes").ToString().ShouldContain("\"ok\"", customMessage: body.ToString());
        await app.Host.TraceWhenAsync(_project, traceId, _ => true);
    }

    [Fact]
    public async Task A_batch_over_the_event_limit_is_refused_whole()
    {
        var events = Enumerable.Range(0, EventValidator.MaxEvents + 1).Select(i => Event("sdk-log", new { log = i })).ToArray();
        var (status, body) = await app.Host.IngestAsync(_project, events);
        status.ShouldBe(400);
        Problems.Text(body).ShouldContain("at most");
    }

    [Fact]
    public async Task An_event_that_fails_in_the_worker_is_quarantined_alone_and_its_entity_keeps_taking_events()
    {
        // What an older version (or another writer of the stream) may have queued: a score that folds to Infinity.
        var traceId = Guid.NewGuid().ToString();
        var scoreId = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        AcceptedEvent Accepted(string type, string entityType, string entityId, string body, long ts) =>
            new(Guid.NewGuid().ToString(), type, ts, entityType, entityId, System.Text.Encoding.UTF8.GetBytes(body));
        var poison = Accepted("score-create", EntityTypes.Score, scoreId, $$$"""{"id":"{{{scoreId}}}","traceId":"{{{traceId}}}","name":"q","value":1e400}""", now);
        IngestBatch Neighbours(string id, params AcceptedEvent[] more) => new(_project.Id, now, [
            Accepted("trace-create", EntityTypes.Trace, id, $$$"""{"id":"{{{id}}}","name":"beside a poison event"}""", now),
            .. Enumerable.Range(0, 19).Select(i => Accepted("span-create", EntityTypes.Observation, $"{id}-s{i}", $$$"""{"id":"{{{id}}}-s{{{i}}}","traceId":"{{{id}}}"}""", now)),
            .. more,
        ]);
        // The same 20 neighbours once without and once with the poison event, to see what it costs them.
        var cleanId = Guid.NewGuid().ToString();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await app.Service<RedisStreamPublisher>().PublishAsync(Neighbours(cleanId));
        await app.Host.TraceWhenAsync(_project, cleanId, t => t.GetProperty("observations").GetArrayLength() == 19);
        var clean = clock.Elapsed;
        clock.Restart();
        await app.Service<RedisStreamPublisher>().PublishAsync(Neighbours(traceId, poison));

        var trace = await app.Host.TraceWhenAsync(_project, traceId, t => t.GetProperty("observations").GetArrayLength() == 19);
        Figures.Report(output, $"Poison event: its 20 neighbours readable {clock.Elapsed.TotalMilliseconds:0} ms after publishing, against {clean.TotalMilliseconds:0} ms for the same batch without it");
        trace.GetProperty("name").GetString().ShouldBe("beside a poison event");
        // The quarantine is recorded once the round's rows are stored.
        var dead = await Eventually.Value(async () => await DeadLettersOfProject() is { Count: > 0 } d ? d : null, TimeSpan.FromSeconds(30), "the poison event was not dead-lettered");
        dead.Count.ShouldBe(1);
        ((string?)dead[0]["reason"]).ShouldNotBeNull().ShouldContain("score value is not a finite number");
        var quarantined = JsonSerializer.Deserialize<IngestBatch>(RedisStreamPublisher.Decode((byte[])dead[0]["body"]!), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        quarantined.Events.Single().EventId.ShouldBe(poison.EventId);

        // A later, valid event of the same score is stored: the poison one stays out of its folds.
        (await app.Host.IngestAsync(_project, Event("score-create", new { id = scoreId, traceId, name = "q", value = 0.5 }, 1))).Status.ShouldBe(207);
        var score = await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores?traceId={traceId}", s => s.GetProperty("data").GetArrayLength() == 1);
        score.GetProperty("data")[0].GetProperty("value").GetDouble().ShouldBe(0.5);
    }

    [Fact]
    public async Task Dead_letters_are_listed_with_their_project_and_replayed_by_one_command()
    {
        var traceId = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // A batch that was dead-lettered (say, by an earlier version during a long outage) waits on the dead-letter stream.
        await app.Service<RedisStreamPublisher>().DeadLetterAsync(new IngestBatch(_project.Id, now,
            [new AcceptedEvent(Guid.NewGuid().ToString(), "trace-create", now, EntityTypes.Trace, traceId, System.Text.Encoding.UTF8.GetBytes($$$"""{"id":"{{{traceId}}}","name":"replayed"}"""))]),
            "ClickHouseException: connection refused", _project.Id);

        var settings = app.Service<LangfuseSettings>();
        var listing = new StringWriter();
        (await DeadLetterCommand.RunAsync(["dead-letters", "list", "--project", _project.Id], settings.RedisConfiguration, listing)).ShouldBe(0);
        listing.ToString().ShouldContain(_project.Id);
        listing.ToString().ShouldContain("connection refused");
        listing.ToString().ShouldContain("1 dead letter(s)");

        var replay = new StringWriter();
        (await DeadLetterCommand.RunAsync(["dead-letters", "replay", "--project", _project.Id], settings.RedisConfiguration, replay)).ShouldBe(0);
        replay.ToString().ShouldContain("1 dead letter(s) put back");
        (await app.Host.TraceWhenAsync(_project, traceId, _ => true)).GetProperty("name").GetString().ShouldBe("replayed");
        (await DeadLettersOfProject()).ShouldBeEmpty();
    }

    async Task<List<StreamEntry>> DeadLettersOfProject()
    {
        var entries = await app.Service<IConnectionMultiplexer>().GetDatabase().StreamRangeAsync("langfuse:queue:ingestion:dead");
        return entries.Where(e => (string?)e["project_id"] == _project.Id).ToList();
    }
}
