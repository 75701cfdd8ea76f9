using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>The web app's trace endpoints (/api/app/projects/{id}/traces…), on the same reads as the public API.</summary>
[Collection(FoundationCollection.Name)]
public sealed class TraceBrowserTests(AppFixture app) : IAsyncLifetime
{
    Team _team = null!;
    TestProject _key = null!;
    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    string Traces => $"/api/app/projects/{_team.ProjectId}/traces";

    public async Task InitializeAsync()
    {
        _team = await Team.CreateAsync(app.Host);
        _key = await _team.CreateSdkKeyAsync();
        await app.Host.IngestAsync(_key,
            Event("trace-create", new { id = $"a-{_run}", name = "checkout", userId = "Alice", sessionId = "s-1", input = new { q = "hi" }, timestamp = "2026-01-01T00:00:00.000Z" }),
            Event("span-create", new { id = $"a-{_run}-span", traceId = $"a-{_run}", name = "retrieve", startTime = "2026-01-01T00:00:00.000Z", endTime = "2026-01-01T00:00:01.000Z" }),
            Event("generation-create", new { id = $"a-{_run}-gen", traceId = $"a-{_run}", parentObservationId = $"a-{_run}-span", name = "answer", model = "gpt-4o",
                input = new[] { new { role = "user", content = "hi" } }, output = "hello", usage = new { input = 1000, output = 100 },
                startTime = "2026-01-01T00:00:00.200Z", endTime = "2026-01-01T00:00:00.900Z" }),
            Event("trace-create", new { id = $"b-{_run}", name = "search", userId = "bob", timestamp = "2026-01-02T00:00:00.000Z" }));
        await app.Host.GetWhenAsync(_key, "/api/public/traces", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 2
            && b.GetProperty("data").EnumerateArray().Any(t => t.GetProperty("observations").GetArrayLength() == 2));
        // The per-trace figures (users' totals, all-time filters and sorting) are written just after the observations.
        await Eventually.Async(async () => (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/users/usage?userIds=Alice"))
            .Body.GetProperty("data")[0].GetProperty("totalTokens").GetInt64() == 1100, TimeSpan.FromSeconds(10), "the figures of the trace were not written");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_table_lists_newest_first_with_latency_cost_and_counts()
    {
        var (status, body) = await _team.Owner.GetAsync(Traces);
        status.ShouldBe(200);
        var rows = body.GetProperty("data").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("id").GetString()).ShouldBe([$"b-{_run}", $"a-{_run}"]);
        rows[1].GetProperty("observationCount").GetInt32().ShouldBe(2);
        rows[1].GetProperty("latency").GetDouble().ShouldBe(1.0);
        rows[1].GetProperty("totalCost").GetDouble().ShouldBeGreaterThan(0);
        rows[1].GetProperty("timestamp").GetString().ShouldBe("2026-01-01T00:00:00.000Z");
        body.GetProperty("meta").GetProperty("totalItems").GetInt64().ShouldBe(2);
    }

    [Theory]
    [InlineData("CHECK", "a")]
    [InlineData("alice", "a")]
    [InlineData("s-1", "a")]
    [InlineData("bo", "b")]
    [InlineData("nothing-like-it", null)]
    public async Task Search_looks_at_name_user_and_session_in_any_case_and_at_the_exact_id(string search, string? prefix)
    {
        var (_, body) = await _team.Owner.GetAsync($"{Traces}?search={Uri.EscapeDataString(search)}");
        var ids = body.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        if (prefix is null) ids.ShouldBeEmpty();
        else ids.ShouldBe([$"{prefix}-{_run}"]);
        (await _team.Owner.GetAsync($"{Traces}?search=b-{_run}")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Filters_sorting_time_range_and_environment_narrow_the_table()
    {
        async Task<List<string?>> Ids(string query) =>
            (await _team.Owner.GetAsync($"{Traces}?{query}")).Body.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        string F(object filter) => "filter=" + Uri.EscapeDataString(System.Text.Json.JsonSerializer.Serialize(new[] { filter }));
        (await Ids(F(new { column = "latency", type = "number", @operator = ">", value = 0.5 }))).ShouldBe([$"a-{_run}"]);
        // With a time range the aggregate reads only that slice of the observations (from an hour before it).
        (await Ids(F(new { column = "latency", type = "number", @operator = ">", value = 0.5 }) + "&fromTimestamp=2025-12-31T23:00:00Z")).ShouldBe([$"a-{_run}"]);
        (await Ids(F(new { column = "totalCost", type = "number", @operator = "=", value = 0 }) + "&fromTimestamp=2025-12-31T23:00:00Z")).ShouldBe([$"b-{_run}"]);
        (await Ids(F(new { column = "totalCost", type = "number", @operator = "=", value = 0 }))).ShouldBe([$"b-{_run}"]);
        (await Ids(F(new { column = "name", type = "string", @operator = "starts with", value = "sea" }))).ShouldBe([$"b-{_run}"]);
        (await Ids(F(new { column = "name", type = "string", @operator = "contains", value = "check" }) + "&search=bob")).ShouldBeEmpty();
        (await Ids("orderBy=timestamp.asc")).ShouldBe([$"a-{_run}", $"b-{_run}"]);
        (await Ids("orderBy=name.desc")).ShouldBe([$"b-{_run}", $"a-{_run}"]);
        (await Ids("toTimestamp=2026-01-01T12:00:00Z")).ShouldBe([$"a-{_run}"]);
        (await Ids("environment=production")).ShouldBeEmpty();
        (await Ids("environment=default")).Count.ShouldBe(2);
        // Figures of the observations sort too; a trace without observations counts 0.
        (await Ids("orderBy=latency.desc")).ShouldBe([$"a-{_run}", $"b-{_run}"]);
        (await Ids("orderBy=latency.asc")).ShouldBe([$"b-{_run}", $"a-{_run}"]);
        (await Ids("orderBy=totalCost.desc&fromTimestamp=2025-12-31T00:00:00Z")).ShouldBe([$"a-{_run}", $"b-{_run}"]);
        (await Ids("orderBy=totalTokens.asc&search=check")).ShouldBe([$"a-{_run}"]);
        (await _team.Owner.GetAsync($"{Traces}?orderBy=latency.desc&limit=1&page=2")).Body.GetProperty("data").EnumerateArray().Single().GetProperty("id").GetString().ShouldBe($"b-{_run}");
        (await _team.Owner.GetAsync($"{Traces}?orderBy=cost.desc")).Status.ShouldBe(400);
        var (status, body) = await _team.Owner.GetAsync($"{Traces}?{F(new { column = "nope", type = "string", @operator = "=", value = "x" })}");
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain("nope");
    }

    [Fact]
    public async Task Annotations_can_be_deleted_but_scores_from_sdks_cannot_through_the_app()
    {
        var (_, created) = await _team.Owner.PostAsync($"{Traces}/b-{_run}/scores", new { name = "verdict", value = 1 });
        var annotation = created.GetProperty("id").GetString();
        var sdkScore = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_key, Event("score-create", new { id = sdkScore, traceId = $"b-{_run}", name = "sdk", value = 1 }));
        await app.Host.TraceWhenAsync(_key, $"b-{_run}", t => t.HasScores(2));
        var viewer = await _team.AddMemberAsync("VIEWER");
        (await viewer.DeleteAsync($"/api/app/projects/{_team.ProjectId}/scores/{annotation}")).Status.ShouldBe(403);
        (await _team.Owner.DeleteAsync($"/api/app/projects/{_team.ProjectId}/scores/{sdkScore}")).Status.ShouldBe(400);
        (await _team.Owner.DeleteAsync($"/api/app/projects/{_team.ProjectId}/scores/{annotation}")).Status.ShouldBe(204);
        (await _team.Owner.GetAsync($"{Traces}/b-{_run}")).Body.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe([sdkScore]);
        (await _team.Owner.DeleteAsync($"/api/app/projects/{_team.ProjectId}/scores/{annotation}")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task The_live_tail_asks_only_for_what_is_newer()
    {
        var (_, body) = await _team.Owner.GetAsync($"{Traces}?fromTimestamp=2026-01-01T12:00:00Z");
        body.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ShouldBe([$"b-{_run}"]);
    }

    [Fact]
    public async Task A_trace_opens_with_its_observation_tree_usage_cost_and_input()
    {
        var (status, trace) = await _team.Owner.GetAsync($"{Traces}/a-{_run}");
        status.ShouldBe(200);
        trace.GetProperty("input").GetProperty("q").GetString().ShouldBe("hi");
        var generation = trace.GetProperty("observations").EnumerateArray().Single(o => o.GetProperty("type").GetString() == "GENERATION");
        generation.GetProperty("parentObservationId").GetString().ShouldBe($"a-{_run}-span");
        generation.GetProperty("usageDetails").GetProperty("input").GetDouble().ShouldBe(1000);
        generation.GetProperty("costDetails").GetProperty("total").GetDouble().ShouldBeGreaterThan(0);
        generation.GetProperty("input")[0].GetProperty("role").GetString().ShouldBe("user");
        generation.GetProperty("latency").GetDouble().ShouldBe(0.7, 0.001);
        trace.GetProperty("totalCost").GetDouble().ShouldBe(generation.GetProperty("calculatedTotalCost").GetDouble(), 1e-12);
        (await _team.Owner.GetAsync($"{Traces}/nope")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task A_member_annotates_a_viewer_cannot_and_the_score_arrives_through_ingestion()
    {
        var member = await _team.AddMemberAsync("MEMBER");
        var viewer = await _team.AddMemberAsync("VIEWER");
        (await viewer.PostAsync($"{Traces}/a-{_run}/scores", new { name = "quality", value = 1 })).Status.ShouldBe(403);
        (await member.PostAsync($"{Traces}/a-{_run}/scores", new { name = "", value = 1 })).Status.ShouldBe(400);
        var (status, created) = await member.PostAsync($"{Traces}/a-{_run}/scores", new { name = "quality", value = 0.5, comment = "ok" });
        status.ShouldBe(201);
        var trace = await app.Host.TraceWhenAsync(_key, $"a-{_run}", t => t.HasScores(1));
        var score = trace.GetProperty("scores")[0];
        score.GetProperty("id").GetString().ShouldBe(created.GetProperty("id").GetString());
        score.GetProperty("source").GetString().ShouldBe("ANNOTATION");
        score.GetProperty("comment").GetString().ShouldBe("ok");
    }

    [Fact]
    public async Task An_admin_deletes_a_trace_and_it_is_gone_at_once()
    {
        var team = await Team.CreateAsync(app.Host);
        var key = await team.CreateSdkKeyAsync();
        await app.Host.IngestAsync(key, Event("trace-create", new { id = "doomed" }));
        await app.Host.TraceWhenAsync(key, "doomed", _ => true);
        var member = await team.AddMemberAsync("MEMBER");
        (await member.DeleteAsync($"/api/app/projects/{team.ProjectId}/traces/doomed")).Status.ShouldBe(403);
        (await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}/traces/doomed")).Status.ShouldBe(204);
        (await team.Owner.GetAsync($"/api/app/projects/{team.ProjectId}/traces/doomed")).Status.ShouldBe(404);
        (await app.Host.GetAsync(key, "/api/public/traces/doomed")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Sessions_list_their_traces_and_users_their_span_and_cost_on_request_and_open_as_a_conversation()
    {
        var (status, body) = await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/sessions");
        status.ShouldBe(200);
        var session = body.GetProperty("data").EnumerateArray().Single();
        session.GetProperty("id").GetString().ShouldBe("s-1");
        session.GetProperty("traceCount").GetInt64().ShouldBe(1);
        session.GetProperty("users").EnumerateArray().Select(u => u.GetString()).ShouldBe(["Alice"]);
        var (usageStatus, usage) = await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/sessions/usage?sessionIds=s-1&sessionIds=none");
        usageStatus.ShouldBe(200);
        var bySession = usage.GetProperty("data").EnumerateArray().ToDictionary(u => u.GetProperty("sessionId").GetString()!);
        bySession["s-1"].GetProperty("duration").GetDouble().ShouldBe(1.0);
        bySession["s-1"].GetProperty("totalCost").GetDouble().ShouldBeGreaterThan(0);
        bySession["none"].GetProperty("totalCost").GetDouble().ShouldBe(0);
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/sessions/usage")).Status.ShouldBe(400);

        var (_, detail) = await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/sessions/s-1");
        var trace = detail.GetProperty("traces").EnumerateArray().Single();
        trace.GetProperty("id").GetString().ShouldBe($"a-{_run}");
        trace.GetProperty("input").GetProperty("q").GetString().ShouldBe("hi");
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/sessions/none")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Users_list_their_traces_most_recent_first_and_their_tokens_and_cost_on_request()
    {
        var (status, body) = await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/users");
        status.ShouldBe(200);
        var users = body.GetProperty("data").EnumerateArray().ToList();
        users.Select(u => u.GetProperty("userId").GetString()).ShouldBe(["bob", "Alice"]);
        users[1].GetProperty("traceCount").GetInt64().ShouldBe(1);
        body.GetProperty("meta").GetProperty("totalItems").GetInt64().ShouldBe(2);

        var (usageStatus, usage) = await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/users/usage?userIds=Alice&userIds=bob&userIds=nobody");
        usageStatus.ShouldBe(200);
        var byUser = usage.GetProperty("data").EnumerateArray().ToDictionary(u => u.GetProperty("userId").GetString()!);
        byUser["Alice"].GetProperty("totalTokens").GetInt64().ShouldBe(1100);
        byUser["Alice"].GetProperty("totalCost").GetDouble().ShouldBeGreaterThan(0);
        byUser["bob"].GetProperty("totalTokens").GetInt64().ShouldBe(0);
        byUser["nobody"].GetProperty("totalCost").GetDouble().ShouldBe(0);
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/users/usage")).Status.ShouldBe(400);
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/users?limit=1&page=2")).Body.GetProperty("data")[0]
            .GetProperty("userId").GetString().ShouldBe("Alice");
        (await _team.Owner.GetAsync($"{Traces}?userId=Alice")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_users_totals_add_up_every_observation_of_every_trace()
    {
        var team = await Team.CreateAsync(app.Host);
        var key = await team.CreateSdkKeyAsync();
        System.Text.Json.Nodes.JsonObject Generation(string id, string traceId) => Event("generation-create", new { id, traceId, name = "step", model = "gpt-4o", usage = new { input = 10, output = 5 } });
        await app.Host.IngestAsync(key,
            Event("trace-create", new { id = "c1", userId = "carol" }), Event("trace-create", new { id = "c2", userId = "carol" }),
            Event("span-create", new { id = "c1-span", traceId = "c1", name = "no usage" }),
            Generation("c1-g1", "c1"), Generation("c1-g2", "c1"), Generation("c2-g1", "c2"));
        await app.Host.GetWhenAsync(key, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 4);

        // The figures follow the observations within moments; 30 would be the last trace's figures missing.
        long tokens = 0;
        await Eventually.Async(async () =>
        {
            var (_, usage) = await team.Owner.GetAsync($"/api/app/projects/{team.ProjectId}/users/usage?userIds=carol");
            tokens = usage.GetProperty("data").EnumerateArray().Single().GetProperty("totalTokens").GetInt64();
            return tokens == 45;
        }, TimeSpan.FromSeconds(10), $"carol's tokens stayed {tokens}");
    }

    [Fact]
    public async Task The_dashboard_counts_costs_and_measures_the_range()
    {
        var range = "fromTimestamp=2025-12-31T00:00:00Z&toTimestamp=2026-01-03T00:00:00Z";
        var (status, body) = await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/dashboard?{range}");
        status.ShouldBe(200);
        body.GetProperty("interval").GetString().ShouldBe("day");
        body.GetProperty("traces").EnumerateArray().Select(p => (p.GetProperty("time").GetString(), p.GetProperty("count").GetInt64()))
            .ShouldBe([("2026-01-01T00:00:00.000Z", 1L), ("2026-01-02T00:00:00.000Z", 1L)]);
        body.GetProperty("observations").EnumerateArray().Sum(p => p.GetProperty("count").GetInt64()).ShouldBe(2);
        var model = body.GetProperty("costByModel").EnumerateArray().Single();
        model.GetProperty("model").GetString().ShouldBe("gpt-4o");
        model.GetProperty("tokens").GetInt64().ShouldBe(1100);
        body.GetProperty("totalCost").GetDouble().ShouldBe(model.GetProperty("cost").GetDouble());
        body.GetProperty("traceLatency").GetProperty("p50").GetDouble().ShouldBe(1.0, 0.005); // percentiles come from 1% bins
        body.GetProperty("generationLatency").GetProperty("p99").GetDouble().ShouldBe(0.7, 0.0035);

        var empty = (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/dashboard?fromTimestamp=2020-01-01T00:00:00Z&toTimestamp=2020-01-01T06:00:00Z")).Body;
        empty.GetProperty("interval").GetString().ShouldBe("hour");
        empty.GetProperty("traces").GetArrayLength().ShouldBe(0);
        empty.GetProperty("traceLatency").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/dashboard?fromTimestamp=2026-01-02T00:00:00Z&toTimestamp=2026-01-01T00:00:00Z")).Status.ShouldBe(400);
    }

    [Fact]
    public async Task The_observations_table_shows_generations_first_with_their_model_tokens_and_cost()
    {
        var (status, body) = await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/observations");
        status.ShouldBe(200);
        var generation = body.GetProperty("data").EnumerateArray().Single();
        generation.GetProperty("type").GetString().ShouldBe("GENERATION");
        generation.GetProperty("model").GetString().ShouldBe("gpt-4o");
        generation.GetProperty("usageDetails").GetProperty("output").GetDouble().ShouldBe(100);
        generation.GetProperty("calculatedTotalCost").GetDouble().ShouldBeGreaterThan(0);
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/observations?type=ALL")).Body.GetProperty("data").GetArrayLength().ShouldBe(2);
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/observations?type=ALL&model=gpt-4o")).Body.GetProperty("data").GetArrayLength().ShouldBe(1);
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/observations?type=NOPE")).Status.ShouldBe(400);
        var firstOfTwo = (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/observations?type=ALL&limit=1")).Body;
        firstOfTwo.GetProperty("meta").GetProperty("hasMore").GetBoolean().ShouldBeTrue();
        (await _team.Owner.GetAsync($"/api/app/projects/{_team.ProjectId}/observations?type=ALL&limit=1&page=2")).Body.GetProperty("meta").GetProperty("hasMore").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Another_projects_member_cannot_read_these_traces()
    {
        var stranger = (await Team.CreateAsync(app.Host)).Owner;
        (await stranger.GetAsync(Traces)).Status.ShouldBe(404);
        (await stranger.GetAsync($"{Traces}/a-{_run}")).Status.ShouldBe(404);
        (await stranger.GetAsync($"/api/app/projects/{_team.ProjectId}/sessions")).Status.ShouldBe(404);
        (await stranger.GetAsync($"/api/app/projects/{_team.ProjectId}/sessions/usage?sessionIds=s-1")).Status.ShouldBe(404);
        (await stranger.GetAsync($"/api/app/projects/{_team.ProjectId}/users")).Status.ShouldBe(404);
        (await stranger.GetAsync($"/api/app/projects/{_team.ProjectId}/users/usage?userIds=Alice")).Status.ShouldBe(404);
        (await stranger.GetAsync($"/api/app/projects/{_team.ProjectId}/dashboard")).Status.ShouldBe(404);
        (await stranger.GetAsync($"/api/app/projects/{_team.ProjectId}/observations")).Status.ShouldBe(404);
    }
}
