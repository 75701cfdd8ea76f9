using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Reads;

[CollectionDefinition(Name)]
public sealed class ReadsCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "reads";
}

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

[Collection(ReadsCollection.Name)]
public sealed class TraceDeletionTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<string> TraceWithChildren()
    {
        var id = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id, name = "to delete" }),
            Event("span-create", new { id = id + "-s", traceId = id }),
            Event("score-create", new { id = id + "-score", traceId = id, name = "s", value = 1 }));
        await app.Host.TraceWhenAsync(_project, id, t => t.HasObservations(1) && t.HasScores(1));
        return id;
    }

    [Fact]
    public async Task A_deleted_trace_vanishes_at_once_its_children_follow_and_late_events_do_not_revive_it()
    {
        var id = await TraceWithChildren();
        var keep = await TraceWithChildren();
        var (status, body) = await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/traces/{id}");
        status.ShouldBe(200);
        body.GetProperty("message").GetString().ShouldBe("Trace deleted successfully");
        (await app.Host.GetAsync(_project, $"/api/public/traces/{id}")).Status.ShouldBe(404);
        var (_, list) = await app.Host.GetAsync(_project, "/api/public/traces");
        list.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ShouldBe([keep]);

        await Eventually.Async(async () =>
            (await app.Host.GetAsync(_project, $"/api/public/observations/{id}-s")).Status == 404
            && (await app.Host.GetAsync(_project, $"/api/public/v2/scores/{id}-score")).Status == 404,
            TimeSpan.FromSeconds(60), "observations and scores of the deleted trace were not removed");

        await app.Host.IngestAsync(_project, Event("trace-create", new { id, name = "late update" }, 30), Event("span-update", new { id = id + "-s", traceId = id, output = "late" }, 30),
            Event("span-create", new { id = id + "-new", traceId = id, name = "brand new child" }, 30), Event("score-create", new { id = id + "-new-score", traceId = id, name = "s", value = 1 }, 30));
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = keep, release = "marker" }, 30));
        await app.Host.TraceWhenAsync(_project, keep, t => t.GetProperty("release").ValueKind == JsonValueKind.String);
        (await app.Host.GetAsync(_project, $"/api/public/traces/{id}")).Status.ShouldBe(404);
        (await app.Host.GetAsync(_project, $"/api/public/observations/{id}-s")).Status.ShouldBe(404);
        // New children of a deleted trace are stored deleted: no orphans in the lists.
        (await app.Host.GetAsync(_project, $"/api/public/observations/{id}-new")).Status.ShouldBe(404);
        (await app.Host.GetAsync(_project, $"/api/public/v2/scores/{id}-new-score")).Status.ShouldBe(404);
        (await app.Host.GetAsync(_project, $"/api/public/observations?traceId={id}")).Body.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Traces_are_deleted_in_bulk_and_bad_bodies_refused()
    {
        var ids = new[] { await TraceWithChildren(), await TraceWithChildren() };
        var (status, _) = await app.Host.SendAsync(_project, HttpMethod.Delete, "/api/public/traces", new { traceIds = ids });
        status.ShouldBe(200);
        foreach (var id in ids) (await app.Host.GetAsync(_project, $"/api/public/traces/{id}")).Status.ShouldBe(404);
        (await app.Host.SendAsync(_project, HttpMethod.Delete, "/api/public/traces", new { traceIds = Array.Empty<string>() })).Status.ShouldBe(400);
        (await app.Host.SendAsync(_project, HttpMethod.Delete, "/api/public/traces", new { traceIds = Enumerable.Range(0, 1001).Select(i => $"t{i}") })).Status.ShouldBe(400);
        (await app.Host.SendAsync(_project, HttpMethod.Delete, "/api/public/traces", new { ids })).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Deleting_in_one_project_leaves_another_projects_trace_alone()
    {
        var id = await TraceWithChildren();
        var other = await app.CreateProjectAsync();
        (await app.Host.SendAsync(other, HttpMethod.Delete, $"/api/public/traces/{id}")).Status.ShouldBe(200);
        (await app.Host.GetAsync(_project, $"/api/public/traces/{id}")).Status.ShouldBe(200);
    }
}

/// <summary>Observation and score lists and daily metrics over a small known data set.</summary>
[Collection(ReadsCollection.Name)]
public sealed class ObservationScoreAndMetricsListTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string _a = "a-" + Guid.NewGuid().ToString("N")[..6];
    readonly string _b = "b-" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = _a, userId = "alice", tags = new[] { "vip" }, timestamp = "2024-07-01T10:00:00.000Z", environment = "production" }),
            Event("trace-create", new { id = _b, userId = "bob", timestamp = "2024-07-02T10:00:00.000Z" }),
            Event("generation-create", new { id = _a + "-g", traceId = _a, name = "llm", model = "gpt-4o-mini", usage = new { input = 150, output = 75 }, startTime = "2024-07-01T10:00:01.000Z", level = "WARNING", environment = "production" }),
            Event("span-create", new { id = _a + "-s", traceId = _a, name = "step", startTime = "2024-07-01T10:00:00.500Z", environment = "production" }),
            Event("generation-create", new { id = _b + "-g", traceId = _b, name = "llm", model = "gpt-4o", usage = new { input = 10, output = 10 }, startTime = "2024-07-02T10:00:01.000Z" }),
            Event("score-create", new { id = _a + "-s1", traceId = _a, name = "quality", value = 0.9 }),
            Event("score-create", new { id = _a + "-s2", traceId = _a, observationId = _a + "-g", name = "tone", value = "kind" }),
            Event("score-create", new { id = _b + "-s1", traceId = _b, name = "quality", value = 0.2 }));
        await app.Host.GetWhenAsync(_project, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 3);
        await app.Host.GetWhenAsync(_project, "/api/public/v2/scores", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<List<string>> Ids(string url)
    {
        var (status, body) = await app.Host.GetAsync(_project, url);
        status.ShouldBe(200, body.ToString());
        return body.GetProperty("data").EnumerateArray().Select(x => x.GetProperty("id").GetString()!).ToList();
    }

    [Fact]
    public async Task Observations_filter_by_their_fields_and_their_traces_user()
    {
        (await Ids("/api/public/observations")).ShouldBe([_b + "-g", _a + "-g", _a + "-s"]);
        (await Ids("/api/public/observations?type=GENERATION")).ShouldBe([_b + "-g", _a + "-g"]);
        (await Ids($"/api/public/observations?traceId={_a}")).ShouldBe([_a + "-g", _a + "-s"]);
        (await Ids("/api/public/observations?name=step")).ShouldBe([_a + "-s"]);
        (await Ids("/api/public/observations?level=WARNING")).ShouldBe([_a + "-g"]);
        (await Ids("/api/public/observations?userId=bob")).ShouldBe([_b + "-g"]);
        (await Ids("/api/public/observations?environment=production")).ShouldBe([_a + "-g", _a + "-s"]);
        (await Ids("/api/public/observations?fromStartTime=2024-07-02T00:00:00Z")).ShouldBe([_b + "-g"]);
        (await app.Host.GetAsync(_project, "/api/public/observations?limit=0")).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Scores_filter_by_value_type_and_trace_and_carry_trace_context()
    {
        (await Ids("/api/public/v2/scores?name=quality&operator=>&value=0.5")).ShouldBe([_a + "-s1"]);
        (await Ids("/api/public/v2/scores?dataType=CATEGORICAL")).ShouldBe([_a + "-s2"]);
        (await Ids($"/api/public/v2/scores?observationId={_a}-g")).ShouldBe([_a + "-s2"]);
        (await Ids($"/api/public/v2/scores?scoreIds={_a}-s1,{_b}-s1")).Order().ShouldBe(new[] { _a + "-s1", _b + "-s1" }.Order());
        (await Ids("/api/public/v2/scores?userId=bob")).ShouldBe([_b + "-s1"]);
        (await Ids("/api/public/v2/scores?traceTags=vip")).Count.ShouldBe(2);
        var (_, body) = await app.Host.GetAsync(_project, $"/api/public/v2/scores?scoreIds={_a}-s1");
        var trace = body.GetProperty("data")[0].GetProperty("trace");
        trace.GetProperty("userId").GetString().ShouldBe("alice");
        trace.GetProperty("tags")[0].GetString().ShouldBe("vip");
        (await app.Host.GetAsync(_project, "/api/public/v2/scores?operator=~&value=1")).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Daily_metrics_count_traces_observations_cost_and_usage_per_model()
    {
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/metrics/daily");
        status.ShouldBe(200, body.ToString());
        var days = body.GetProperty("data").EnumerateArray().ToList();
        days.Select(d => d.GetProperty("date").GetString()).ShouldBe(["2024-07-02", "2024-07-01"]);
        var first = days[1];
        first.GetProperty("countTraces").GetInt32().ShouldBe(1);
        first.GetProperty("countObservations").GetInt32().ShouldBe(2);
        first.GetProperty("totalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
        var usage = first.GetProperty("usage").EnumerateArray().Single();
        usage.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        usage.GetProperty("inputUsage").GetInt64().ShouldBe(150);
        usage.GetProperty("outputUsage").GetInt64().ShouldBe(75);
        usage.GetProperty("totalUsage").GetInt64().ShouldBe(225);
        (await app.Host.GetAsync(_project, "/api/public/metrics/daily?userId=bob")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
    }
}

[Collection(ReadsCollection.Name)]
public sealed class TraceFieldGroupTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Field_groups_leave_out_what_was_not_asked_for()
    {
        var id = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id, input = "in", output = "out", metadata = new { k = 1 } }),
            Event("generation-create", new { id = id + "-g", traceId = id, model = "gpt-4o-mini", usage = new { input = 150, output = 75 } }),
            Event("score-create", new { id = id + "-s", traceId = id, name = "n", value = 1 }));
        await app.Host.TraceWhenAsync(_project, id, t => t.HasObservations(1) && t.HasScores(1));

        var (_, core) = await app.Host.GetAsync(_project, $"/api/public/traces/{id}?fields=core");
        core.GetProperty("input").ValueKind.ShouldBe(JsonValueKind.Null);
        core.GetProperty("metadata").EnumerateObject().ShouldBeEmpty();
        core.GetProperty("observations").GetArrayLength().ShouldBe(0);
        core.GetProperty("scores").GetArrayLength().ShouldBe(0);
        core.GetProperty("latency").GetDouble().ShouldBe(-1);
        core.GetProperty("totalCost").GetDouble().ShouldBe(-1);

        var (_, some) = await app.Host.GetAsync(_project, $"/api/public/traces/{id}?fields=io,metrics,unknown");
        some.GetProperty("input").GetString().ShouldBe("in");
        some.GetProperty("totalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
        some.GetProperty("observations").GetArrayLength().ShouldBe(0);

        var (_, all) = await app.Host.GetAsync(_project, $"/api/public/traces/{id}?fields=nonsense");
        all.GetProperty("observations").GetArrayLength().ShouldBe(1);
        all.GetProperty("scores").GetArrayLength().ShouldBe(1);
    }
}

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

[Collection(ReadsCollection.Name)]
public sealed class MetricsV2Tests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var (status, _) = await app.Host.IngestAsync(_project,
            Event("trace-create", new { id, name = "support", tags = new[] { "vip" }, release = "r1" }),
            Event("generation-create", new { id = id + "-1", traceId = id, name = "llm", model = "gpt-4o-mini", usage = new { input = 100, output = 50 }, startTime = "2024-09-01T10:00:00.000Z", endTime = "2024-09-01T10:00:01.000Z", environment = "production" }),
            Event("generation-create", new { id = id + "-2", traceId = id, name = "llm", model = "gpt-4o-mini", usage = new { input = 300, output = 150 }, startTime = "2024-09-01T11:00:00.000Z", endTime = "2024-09-01T11:00:03.000Z", environment = "production" }),
            Event("generation-create", new { id = id + "-3", traceId = id, name = "llm", model = "gpt-4o", usage = new { input = 10, output = 10 }, startTime = "2024-09-02T10:00:00.000Z", environment = "staging" }),
            Event("span-create", new { id = id + "-4", traceId = id, name = "step", startTime = "2024-09-02T10:00:00.000Z" }),
            Event("score-create", new { id = id + "-s1", traceId = id, name = "quality", value = 0.5 }, 0),
            Event("score-create", new { id = id + "-s2", traceId = id, name = "quality", value = 1.0 }, 0),
            Event("score-create", new { id = id + "-s3", traceId = id, name = "tone", value = "kind" }, 0));
        status.ShouldBe(207);
        await app.Host.GetWhenAsync(_project, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 4);
        await app.Host.GetWhenAsync(_project, "/api/public/v2/scores", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(int Status, JsonElement Body)> Query(object query) =>
        await app.Host.GetAsync(_project, "/api/public/v2/metrics?query=" + Uri.EscapeDataString(JsonSerializer.Serialize(query)));

    [Fact]
    public async Task Observations_group_by_dimensions_and_time_with_aggregated_measures()
    {
        var (status, body) = await Query(new
        {
            view = "observations",
            dimensions = new[] { new { field = "providedModelName" } },
            metrics = new[] { new { measure = "count", aggregation = "count" }, new { measure = "totalTokens", aggregation = "sum" }, new { measure = "latency", aggregation = "max" } },
            filters = new object[] { new { column = "type", @operator = "=", value = "GENERATION", type = "string" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z",
            orderBy = new[] { new { field = "sum_totalTokens", direction = "desc" } },
        });
        status.ShouldBe(200, body.ToString());
        var rows = body.GetProperty("data").EnumerateArray().ToList();
        rows.Count.ShouldBe(2);
        rows[0].GetProperty("providedModelName").GetString().ShouldBe("gpt-4o-mini");
        rows[0].GetProperty("count_count").GetDouble().ShouldBe(2);
        rows[0].GetProperty("sum_totalTokens").GetDouble().ShouldBe(600);
        rows[0].GetProperty("max_latency").GetDouble().ShouldBe(3000);
        rows[1].GetProperty("providedModelName").GetString().ShouldBe("gpt-4o");

        var (_, byDay) = await Query(new
        {
            view = "observations", metrics = new[] { new { measure = "count", aggregation = "count" } },
            timeDimension = new { granularity = "day" }, fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z",
        });
        byDay.GetProperty("data").EnumerateArray().Select(r => (r.GetProperty("time_dimension").GetString(), r.GetProperty("count_count").GetDouble()))
            .ShouldBe([("2024-09-01T00:00:00.000Z", 2.0), ("2024-09-02T00:00:00.000Z", 2.0)]);

        var (_, filtered) = await Query(new
        {
            view = "observations", metrics = new[] { new { measure = "count", aggregation = "count" } },
            filters = new object[] { new { column = "environment", @operator = "any of", value = new[] { "staging" }, type = "stringOptions" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z",
        });
        filtered.GetProperty("data")[0].GetProperty("count_count").GetDouble().ShouldBe(1);
    }

    [Fact]
    public async Task Score_views_aggregate_values_and_categories()
    {
        var now = DateTimeOffset.UtcNow;
        var range = new { from = now.AddDays(-1).ToString("O"), to = now.AddDays(1).ToString("O") };
        var (_, numeric) = await Query(new
        {
            view = "scores-numeric", dimensions = new[] { new { field = "name" } },
            metrics = new[] { new { measure = "value", aggregation = "avg" } }, fromTimestamp = range.from, toTimestamp = range.to,
        });
        var row = numeric.GetProperty("data").EnumerateArray().Single();
        row.GetProperty("name").GetString().ShouldBe("quality");
        row.GetProperty("avg_value").GetDouble().ShouldBe(0.75);

        var (_, categorical) = await Query(new
        {
            view = "scores-categorical", dimensions = new[] { new { field = "stringValue" } },
            metrics = new[] { new { measure = "count", aggregation = "count" } }, fromTimestamp = range.from, toTimestamp = range.to,
        });
        categorical.GetProperty("data").EnumerateArray().Single().GetProperty("stringValue").GetString().ShouldBe("kind");
    }

    [Fact]
    public async Task Parent_trace_dimensions_and_histograms()
    {
        var (status, body) = await Query(new
        {
            view = "observations", dimensions = new[] { new { field = "traceName" }, new { field = "release" } },
            metrics = new[] { new { measure = "count", aggregation = "count" } },
            filters = new object[] { new { column = "tags", @operator = "any of", value = new[] { "vip" }, type = "arrayOptions" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z",
        });
        status.ShouldBe(200, body.ToString());
        var row = body.GetProperty("data").EnumerateArray().Single();
        (row.GetProperty("traceName").GetString(), row.GetProperty("release").GetString(), row.GetProperty("count_count").GetDouble()).ShouldBe(("support", "r1", 4.0));

        var (_, histogram) = await Query(new
        {
            view = "observations", metrics = new[] { new { measure = "latency", aggregation = "histogram" } },
            filters = new object[] { new { column = "type", @operator = "=", value = "GENERATION", type = "string" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z", config = new { bins = 2 },
        });
        var bins = histogram.GetProperty("data")[0].GetProperty("histogram_latency").EnumerateArray().ToList();
        bins.Count.ShouldBeInRange(1, 2);
        bins.Sum(b => b[2].GetDouble()).ShouldBe(3, 1e-9); // [lower, upper, height]: the heights add up to the generations
        bins.Min(b => b[0].GetDouble()).ShouldBe(0);
        bins.Max(b => b[1].GetDouble()).ShouldBe(3000);

        var now = DateTimeOffset.UtcNow;
        var (_, scores) = await Query(new
        {
            view = "scores-numeric", dimensions = new[] { new { field = "traceName" } }, metrics = new[] { new { measure = "value", aggregation = "max" } },
            fromTimestamp = now.AddDays(-1).ToString("O"), toTimestamp = now.AddDays(1).ToString("O"),
        });
        var scoreRow = scores.GetProperty("data").EnumerateArray().Single();
        (scoreRow.GetProperty("traceName").GetString(), scoreRow.GetProperty("max_value").GetDouble()).ShouldBe(("support", 1.0));

        var (badBins, message) = await Query(new
        {
            view = "observations", metrics = new[] { new { measure = "latency", aggregation = "histogram" } },
            fromTimestamp = "2024-09-01T00:00:00Z", toTimestamp = "2024-09-03T00:00:00Z", config = new { bins = 500 },
        });
        badBins.ShouldBe(400);
        message.GetProperty("message").GetString()!.ShouldContain("bins");
    }

    [Theory]
    [InlineData("{\"view\":\"traces\",\"metrics\":[{\"measure\":\"count\",\"aggregation\":\"count\"}],\"fromTimestamp\":\"2024-01-01T00:00:00Z\",\"toTimestamp\":\"2024-02-01T00:00:00Z\"}", "query.view")]
    [InlineData("{\"view\":\"observations\",\"metrics\":[{\"measure\":\"secret\",\"aggregation\":\"sum\"}],\"fromTimestamp\":\"2024-01-01T00:00:00Z\",\"toTimestamp\":\"2024-02-01T00:00:00Z\"}", "not a measure")]
    [InlineData("{\"view\":\"observations\",\"dimensions\":[{\"field\":\"id; DROP TABLE traces\"}],\"metrics\":[{\"measure\":\"count\",\"aggregation\":\"count\"}],\"fromTimestamp\":\"2024-01-01T00:00:00Z\",\"toTimestamp\":\"2024-02-01T00:00:00Z\"}", "not a dimension")]
    [InlineData("{\"view\":\"observations\",\"metrics\":[{\"measure\":\"count\",\"aggregation\":\"count\"}]}", "fromTimestamp")]
    [InlineData("not json", "query")]
    public async Task Bad_queries_are_400_naming_the_problem(string query, string expected)
    {
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/v2/metrics?query=" + Uri.EscapeDataString(query));
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain(expected);
    }
}

[Collection(ReadsCollection.Name)]
public sealed class TraceJsonFilterTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string _a = "fa-" + Guid.NewGuid().ToString("N")[..6];
    readonly string _b = "fb-" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = _a, name = "checkout-flow", userId = "u1", tags = new[] { "web", "beta" }, metadata = new { plan = "pro", seats = 12 }, timestamp = "2024-10-01T00:00:00.000Z" }),
            Event("trace-create", new { id = _b, name = "search", tags = new[] { "api" }, metadata = new { plan = "free", seats = 1 }, timestamp = "2024-10-05T00:00:00.000Z" }),
            Event("generation-create", new { id = _a + "-g", traceId = _a, model = "gpt-4o-mini", usage = new { input = 1000, output = 500 },
                startTime = "2024-10-01T00:00:00.000Z", endTime = "2024-10-01T00:00:03.000Z", level = "ERROR" }),
            Event("score-create", new { id = _a + "-s", traceId = _a, name = "quality", value = 0.9 }));
        await app.Host.GetWhenAsync(_project, "/api/public/traces", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 2
            && b.GetProperty("data").EnumerateArray().Any(t => t.GetProperty("observations").GetArrayLength() == 1 && t.GetProperty("scores").GetArrayLength() == 1));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(int Status, List<string> Ids, JsonElement Body)> Filter(object filter)
    {
        var (status, body) = await app.Host.GetAsync(_project, "/api/public/traces?userId=nobody&filter=" + Uri.EscapeDataString(JsonSerializer.Serialize(filter)));
        return (status, status == 200 ? body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList() : [], body);
    }

    [Fact]
    public async Task The_json_filter_takes_precedence_and_covers_columns_tags_and_metadata()
    {
        (await Filter(new object[] { new { type = "string", column = "name", @operator = "starts with", value = "check" } })).Ids.ShouldBe([_a]);
        (await Filter(new object[] { new { type = "arrayOptions", column = "tags", @operator = "any of", value = new[] { "api", "beta" } } })).Ids.ShouldBe([_b, _a]);
        (await Filter(new object[] { new { type = "arrayOptions", column = "tags", @operator = "all of", value = new[] { "web", "beta" } } })).Ids.ShouldBe([_a]);
        (await Filter(new object[] { new { type = "datetime", column = "timestamp", @operator = ">", value = "2024-10-02T00:00:00Z" } })).Ids.ShouldBe([_b]);
        (await Filter(new object[] { new { type = "stringObject", column = "metadata", key = "plan", @operator = "=", value = "pro" } })).Ids.ShouldBe([_a]);
        (await Filter(new object[] { new { type = "numberObject", column = "metadata", key = "seats", @operator = ">", value = 5 } })).Ids.ShouldBe([_a]);
        (await Filter(new object[] { new { type = "null", column = "userId", @operator = "is null" } })).Ids.ShouldBe([_b]);
        (await Filter(new object[]
        {
            new { type = "stringOptions", column = "name", @operator = "none of", value = new[] { "search" } },
            new { type = "string", column = "userId", @operator = "=", value = "u1" },
        })).Ids.ShouldBe([_a]);
    }

    [Fact]
    public async Task Aggregated_observation_metrics_and_scores_filter_traces()
    {
        object Number(string column, string op, double value) => new object[] { new { type = "number", column, @operator = op, value } };
        (await Filter(Number("totalCost", ">", 0))).Ids.ShouldBe([_a]);
        (await Filter(Number("totalTokens", ">=", 1500))).Ids.ShouldBe([_a]);
        (await Filter(Number("inputTokens", "<", 10))).Ids.ShouldBe([_b]); // no observations: zero tokens
        (await Filter(Number("latency", ">=", 3))).Ids.ShouldBe([_a]);
        (await Filter(Number("latency", "<", 100))).Ids.ShouldBe([_a]); // no observations: no latency, not zero
        (await Filter(Number("errorCount", "=", 1))).Ids.ShouldBe([_a]);
        (await Filter(Number("scores_avg", ">", 0.5))).Ids.ShouldBe([_a]);
    }

    [Fact]
    public async Task Unknown_columns_operators_and_bad_json_are_400()
    {
        (await Filter(new object[] { new { type = "string", column = "secret", @operator = "=", value = "x" } })).Status.ShouldBe(400);
        (await Filter(new object[] { new { type = "string", column = "name", @operator = "sounds like", value = "x" } })).Status.ShouldBe(400);
        (await Filter(new object[] { new { type = "string", column = "totalCost", @operator = ">", value = "1" } })).Body.GetProperty("message").GetString()!.ShouldContain("type must be number");
        (await app.Host.GetAsync(_project, "/api/public/traces?filter=" + Uri.EscapeDataString("{not json"))).Status.ShouldBe(400);
    }
}
