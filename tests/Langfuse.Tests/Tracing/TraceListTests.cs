using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>GET /api/public/traces, sessions and trace deletion, on a project of its own with known contents.</summary>
[Collection(ReadsCollection.Name)]
public sealed class TraceListTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string[] _ids = Enumerable.Range(0, 6).Select(i => $"t{i}-{Guid.NewGuid().ToString("N")[..6]}").ToArray();

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        var events = new List<System.Text.Json.Nodes.JsonObject>();
        for (var i = 0; i < _ids.Length; i++)
        {
            events.Add(Event("trace-create", new
            {
                id = _ids[i], name = i % 2 == 0 ? "even" : "odd", userId = $"user-{i % 3}", sessionId = i < 4 ? "session-a" : "session-b",
                timestamp = $"2024-06-0{i + 1}T12:00:00.000Z", tags = i < 3 ? new[] { "x", "y" } : new[] { "x" },
                release = i == 5 ? "r5" : null, version = i == 4 ? "v4" : null, environment = i == 0 ? "staging" : "production",
            }));
            events.Add(Event("span-create", new { id = _ids[i] + "-s", traceId = _ids[i], startTime = $"2024-06-0{i + 1}T12:00:00.000Z", endTime = $"2024-06-0{i + 1}T12:00:02.000Z" }));
        }
        events.Add(Event("score-create", new { id = _ids[0] + "-score", traceId = _ids[0], name = "s", value = 1 }));
        await app.Host.IngestAsync(_project, events.ToArray());
        await app.Host.GetWhenAsync(_project, "/api/public/traces?limit=100", body =>
            body.GetProperty("meta").GetProperty("totalItems").GetInt32() == _ids.Length
            && body.GetProperty("data").EnumerateArray().All(t => t.GetProperty("observations").GetArrayLength() == 1)
            && body.GetProperty("data").EnumerateArray().Any(t => t.GetProperty("scores").GetArrayLength() == 1));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<List<string>> Ids(string query)
    {
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/traces?" + query);
        status.ShouldBe(200, body.ToString());
        return body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();
    }

    [Fact]
    public async Task The_list_is_newest_first_with_page_meta_and_child_ids()
    {
        var (_, body) = await app.Host.GetAsync(_project, "/api/public/traces?limit=4&page=2");
        body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ShouldBe([_ids[1], _ids[0]]);
        var meta = body.GetProperty("meta");
        meta.GetProperty("page").GetInt32().ShouldBe(2);
        meta.GetProperty("limit").GetInt32().ShouldBe(4);
        meta.GetProperty("totalItems").GetInt32().ShouldBe(6);
        meta.GetProperty("totalPages").GetInt32().ShouldBe(2);
        var first = body.GetProperty("data")[1];
        first.GetProperty("observations").EnumerateArray().Single().GetString().ShouldBe(_ids[0] + "-s");
        first.GetProperty("scores").EnumerateArray().Single().GetString().ShouldBe(_ids[0] + "-score");
        first.GetProperty("latency").GetDouble().ShouldBe(2);
        first.GetProperty("htmlPath").GetString().ShouldBe($"/project/{_project.Id}/traces/{_ids[0]}");
        (await Ids("page=3&limit=4")).ShouldBeEmpty();

        var (_, core) = await app.Host.GetAsync(_project, "/api/public/traces?limit=6&fields=core");
        var slim = core.GetProperty("data").EnumerateArray().Single(t => t.GetProperty("id").GetString() == _ids[0]);
        slim.GetProperty("observations").GetArrayLength().ShouldBe(0);
        slim.GetProperty("scores").GetArrayLength().ShouldBe(0);
        slim.GetProperty("latency").GetDouble().ShouldBe(-1);
        slim.GetProperty("metadata").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_filter_narrows_the_list()
    {
        (await Ids("userId=user-0")).ShouldBe([_ids[3], _ids[0]]);
        (await Ids("name=odd")).ShouldBe([_ids[5], _ids[3], _ids[1]]);
        (await Ids("sessionId=session-b")).ShouldBe([_ids[5], _ids[4]]);
        (await Ids("fromTimestamp=2024-06-02T12:00:00Z&toTimestamp=2024-06-04T12:00:00Z")).ShouldBe([_ids[2], _ids[1]]);
        (await Ids("tags=x&tags=y")).ShouldBe([_ids[2], _ids[1], _ids[0]]);
        (await Ids("tags=x")).Count.ShouldBe(6);
        (await Ids("version=v4")).ShouldBe([_ids[4]]);
        (await Ids("release=r5")).ShouldBe([_ids[5]]);
        (await Ids("environment=staging")).ShouldBe([_ids[0]]);
        (await Ids("environment=staging&environment=production")).Count.ShouldBe(6);
        (await Ids("orderBy=timestamp.asc&limit=2")).ShouldBe([_ids[0], _ids[1]]);
        (await Ids("orderBy=name.asc&limit=3")).ShouldBe([_ids[0], _ids[2], _ids[4]]); // ties by id, same direction
    }

    [Theory]
    [InlineData("id")] [InlineData("timestamp")] [InlineData("name")] [InlineData("userId")] [InlineData("release")]
    [InlineData("version")] [InlineData("public")] [InlineData("bookmarked")] [InlineData("sessionId")]
    public async Task Every_ordering_sorts_by_its_field_then_id_in_both_directions(string field)
    {
        // The fields of trace i as ingested above; a missing value sorts after every value, in both directions.
        string? Value(int i) => field switch
        {
            "id" => _ids[i], "timestamp" => $"2024-06-0{i + 1}", "name" => i % 2 == 0 ? "even" : "odd", "userId" => $"user-{i % 3}",
            "release" => i == 5 ? "r5" : null, "version" => i == 4 ? "v4" : null, "sessionId" => i < 4 ? "session-a" : "session-b",
            _ => "false",
        };
        foreach (var descending in new[] { false, true })
        {
            var present = Enumerable.Range(0, 6).Where(i => Value(i) is not null);
            var sorted = descending
                ? present.OrderByDescending(i => Value(i), StringComparer.Ordinal).ThenByDescending(i => _ids[i], StringComparer.Ordinal)
                : present.OrderBy(i => Value(i), StringComparer.Ordinal).ThenBy(i => _ids[i], StringComparer.Ordinal);
            var missing = Enumerable.Range(0, 6).Where(i => Value(i) is null);
            var expected = sorted.Concat(descending ? missing.OrderByDescending(i => _ids[i], StringComparer.Ordinal) : missing.OrderBy(i => _ids[i], StringComparer.Ordinal))
                .Select(i => _ids[i]).ToList();
            (await Ids($"orderBy={field}.{(descending ? "desc" : "asc")}")).ShouldBe(expected, $"orderBy={field}.{(descending ? "desc" : "asc")}");
        }
    }

    [Theory]
    [InlineData("limit=101")]
    [InlineData("page=0")]
    [InlineData("orderBy=secret.asc")]
    [InlineData("orderBy=timestamp")]
    [InlineData("fromTimestamp=yesterday")]
    public async Task Bad_paging_ordering_or_dates_are_400(string query)
    {
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/traces?" + query);
        status.ShouldBe(400);
        body.GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Sessions_list_their_traces()
    {
        var (_, sessions) = await app.Host.GetAsync(_project, "/api/public/sessions");
        sessions.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe(["session-b", "session-a"]);
        sessions.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(2);
        var (_, session) = await app.Host.GetAsync(_project, "/api/public/sessions/session-a");
        session.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ShouldBe(_ids[..4]);
        session.GetProperty("createdAt").GetString().ShouldBe("2024-06-01T12:00:00.000Z");
        (await app.Host.GetAsync(_project, "/api/public/sessions/nope")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Another_project_sees_none_of_it()
    {
        var other = await app.CreateProjectAsync();
        var (_, body) = await app.Host.GetAsync(other, "/api/public/traces");
        body.GetProperty("data").GetArrayLength().ShouldBe(0);
        body.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(0);
        (await app.Host.GetAsync(other, "/api/public/sessions")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
    }
}
