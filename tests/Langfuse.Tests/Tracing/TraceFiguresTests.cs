using System.Globalization;
using System.Text.Json.Nodes;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>
/// The figures kept per trace (Features/Tracing/Tables/TraceFigures): what a user sees through them (a user's totals,
/// all-time filters and sorting by tokens or cost, a session's cost) follows later events and deletions.
/// </summary>
[Collection(FoundationCollection.Name)]
public sealed class TraceFiguresTests(AppFixture app) : IAsyncLifetime
{
    Team _team = null!;
    TestProject _key = null!;
    string Project => $"/api/app/projects/{_team.ProjectId}";

    public async Task InitializeAsync()
    {
        _team = await Team.CreateAsync(app.Host);
        _key = await _team.CreateSdkKeyAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    static string Filter(string column, string op, double value) =>
        "filter=" + Uri.EscapeDataString(System.Text.Json.JsonSerializer.Serialize(new[] { new { column, type = "number", @operator = op, value } }));

    async Task<List<string?>> Ids(string query) =>
        (await _team.Owner.GetAsync($"{Project}/traces?{query}")).Body.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();

    async Task<(long Tokens, double Cost)> Usage(string userId)
    {
        var user = (await _team.Owner.GetAsync($"{Project}/users/usage?userIds={userId}")).Body.GetProperty("data").EnumerateArray().Single();
        return (user.GetProperty("totalTokens").GetInt64(), user.GetProperty("totalCost").GetDouble());
    }

    [Fact]
    public async Task A_later_usage_update_and_a_deletion_change_the_users_totals_the_filters_and_the_order()
    {
        await app.Host.IngestAsync(_key,
            Event("trace-create", new { id = "small", userId = "dora", sessionId = "talk" }),
            Event("generation-create", new { id = "small-g", traceId = "small", model = "gpt-4o", usage = new { input = 10, output = 5 } }),
            Event("trace-create", new { id = "big", userId = "dora", sessionId = "talk" }),
            Event("generation-create", new { id = "big-g", traceId = "big", model = "gpt-4o", usage = new { input = 100, output = 50 } }));
        await app.Host.GetWhenAsync(_key, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 2);
        // The figures are written just after the observations they are computed from.
        await Eventually.Async(async () => (await Usage("dora")).Tokens == 165, TimeSpan.FromSeconds(10), "the user's total never reached 165");
        (await Ids(Filter("totalTokens", ">", 100))).ShouldBe(["big"]);
        (await Ids("orderBy=totalTokens.desc")).ShouldBe(["big", "small"]);

        // The update folds with the generation's first event: the recomputed figures replace the earlier ones.
        await app.Host.IngestAsync(_key, Event("generation-update", new { id = "small-g", traceId = "small", usage = new { input = 1000, output = 500 } }, 1));
        await app.Host.GetWhenAsync(_key, "/api/public/observations/small-g", o => o.GetProperty("usageDetails").GetProperty("input").GetDouble() == 1000);
        await Eventually.Async(async () => (await Usage("dora")).Tokens == 1650, TimeSpan.FromSeconds(10), "the user's total did not follow the update");
        (await Ids(Filter("totalTokens", ">", 1000))).ShouldBe(["small"]);
        (await Ids("orderBy=totalTokens.desc")).ShouldBe(["small", "big"]);
        var (_, sessions) = await _team.Owner.GetAsync($"{Project}/sessions/usage?sessionIds=talk");
        var beforeDeletion = sessions.GetProperty("data")[0].GetProperty("totalCost").GetDouble();
        beforeDeletion.ShouldBe((await Usage("dora")).Cost, 1e-12);

        (await app.Host.SendAsync(_key, HttpMethod.Delete, "/api/public/traces/big")).Status.ShouldBe(200);
        var (tokens, cost) = await Usage("dora");
        tokens.ShouldBe(1500);
        (await Ids(Filter("totalTokens", ">", 0))).ShouldBe(["small"]);
        (await _team.Owner.GetAsync($"{Project}/sessions/usage?sessionIds=talk")).Body.GetProperty("data")[0].GetProperty("totalCost").GetDouble().ShouldBe(cost, 1e-12);
        cost.ShouldBeLessThan(beforeDeletion);
    }

    [Fact]
    public async Task Sorting_by_the_largest_figure_pages_through_filtered_traces_in_the_same_order_as_the_reverse_sort()
    {
        var users = new[] { "fay", "gus" };
        var events = Enumerable.Range(0, 12).SelectMany(i => new[]
        {
            Event("trace-create", new { id = $"t{i:D2}", userId = users[i % 2] }),
            Event("generation-create", new { id = $"t{i:D2}-g", traceId = $"t{i:D2}", model = "gpt-4o", usage = new { input = 10 * (i % 5 + 1), output = 1 } }),
        }).Append(Event("trace-create", new { id = "empty", userId = "fay" })).ToArray();
        await app.Host.IngestAsync(_key, events);
        await app.Host.GetWhenAsync(_key, "/api/public/observations", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 12);
        await Eventually.Async(async () => (await Ids("orderBy=totalTokens.desc&limit=1")).SequenceEqual(["t09"]), TimeSpan.FromSeconds(10), "figures were not written");

        // Ties (i % 5 repeats) order by id; the trace without observations counts 0 and comes last.
        var ascending = await Ids("orderBy=totalTokens.asc&userId=fay&limit=50");
        ascending.Count.ShouldBe(7);
        ascending[0].ShouldBe("empty");
        var descending = new List<string?>();
        for (var page = 1; page <= 4; page++) descending.AddRange(await Ids($"orderBy=totalTokens.desc&userId=fay&limit=2&page={page}"));
        descending.ShouldBe(Enumerable.Reverse(ascending).ToList());
        (await Ids("orderBy=totalCost.desc&limit=3")).ShouldBe(["t09", "t04", "t08"]);
    }

    [Fact]
    public async Task A_session_of_400_traces_with_long_non_ascii_ids_gets_its_whole_cost()
    {
        // 400 trace ids of 250 three-byte characters: 100,000 characters, 300 KB as UTF-8. The session's cost reads the
        // figures of all of them by id in 256 KiB statements; cut at 96,000 characters (as they once were) a statement
        // carried ~280 KB of them.
        var stem = new string('語', 246);
        var traceIds = Enumerable.Range(0, 400).Select(i => $"{stem}{i:D4}").ToList();
        var (status, body) = await app.Host.IngestAsync(_key, traceIds.SelectMany(t => new[]
        {
            Event("trace-create", new { id = t, userId = "long-ids", sessionId = "long-ids" }),
            Event("generation-create", new { id = t + "-g", traceId = t, model = "gpt-4o", usage = new { input = 10, output = 5 } }),
        }).ToArray());
        status.ShouldBe(207);
        body.GetProperty("errors").GetArrayLength().ShouldBe(0);
        await Eventually.Async(async () => (await Usage("long-ids")).Tokens == 400 * 15, TimeSpan.FromSeconds(30), "not all 400 generations were counted");

        var (sessionStatus, sessions) = await _team.Owner.GetAsync($"{Project}/sessions/usage?sessionIds=long-ids");
        sessionStatus.ShouldBe(200);
        var cost = sessions.GetProperty("data")[0].GetProperty("totalCost").GetDouble();
        cost.ShouldBeGreaterThan(0);
        cost.ShouldBe((await Usage("long-ids")).Cost, 1e-9);
    }

    [Fact]
    public async Task A_new_traces_figures_computed_by_the_worker_equal_what_ClickHouse_computes_from_its_rows()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await app.Host.IngestAsync(_key,
            Event("trace-create", new { id = "whole", userId = "ivy" }),
            Event("generation-create", new { id = "whole-g1", traceId = "whole", model = "gpt-4o", startTime = Iso(start), endTime = Iso(start.AddSeconds(3)),
                usage = new { input = 120, output = 30 }, level = "ERROR" }),
            Event("generation-create", new { id = "whole-g2", traceId = "whole", startTime = Iso(start.AddSeconds(1)),
                usageDetails = new { input = 7, output = 3, total = 10 }, costDetails = new { input = 0.25, output = 0.5 } }),
            Event("span-create", new { id = "whole-s", traceId = "whole", startTime = Iso(start.AddSeconds(-2)), level = "WARNING" }),
            Event("event-create", new { id = "whole-e", traceId = "whole", startTime = Iso(start.AddSeconds(9)), level = "DEBUG" }));
        await app.Host.GetWhenAsync(_key, "/api/public/observations?traceId=whole", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 4);
        var clickHouse = app.Service<ClickHouseGateway>();
        var project = _team.ProjectId;
        var stored = await Eventually.Value(async () => (await clickHouse.QueryAsync<JsonObject>(Sql.Of(
            $"SELECT * FROM trace_figures FINAL WHERE project_id = {project} AND trace_id = 'whole'"))).SingleOrDefault(), TimeSpan.FromSeconds(10), "no figures were written");
        var computed = (await clickHouse.QueryAsync<JsonObject>(TraceFigures.Compute(Sql.Of(
            $"(SELECT * FROM observations PREWHERE project_id = {project} AND trace_id = 'whole' ORDER BY fold_version DESC LIMIT 1 BY id)")))).Single();

        // Same columns in the same order; ClickHouse sums floating costs in its own order, hence the tolerance.
        static double Number(JsonNode? v) => double.Parse(v!.ToString(), CultureInfo.InvariantCulture);
        var (mine, theirs) = (stored.Select(kv => kv.Value).ToList(), computed.Select(kv => kv.Value).ToList());
        mine.Count.ShouldBe(theirs.Count);
        mine.Take(2).Select(v => v!.ToString()).ShouldBe(theirs.Take(2).Select(v => v!.ToString()));
        for (var i = 2; i < mine.Count; i++)
            Number(mine[i]).ShouldBe(Number(theirs[i]), Math.Abs(Number(theirs[i])) * 1e-12, $"column {stored.ElementAt(i).Key}");
        Number(stored["total_tokens"]).ShouldBe(160);
        Number(stored["error_count"]).ShouldBe(1);
        Number(stored["end_time"]).ShouldBe(start.AddSeconds(9).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Observations_of_one_trace_sent_in_separate_batches_all_count()
    {
        await app.Host.IngestAsync(_key,
            Event("trace-create", new { id = "split", userId = "jon" }),
            Event("generation-create", new { id = "split-1", traceId = "split", usage = new { input = 10, output = 5 } }));
        await Eventually.Async(async () => (await Usage("jon")).Tokens == 15, TimeSpan.FromSeconds(10), "the first generation was not counted");

        // A later round brings another observation of the trace: its figures must cover both rounds' rows.
        await app.Host.IngestAsync(_key, Event("generation-create", new { id = "split-2", traceId = "split", usage = new { input = 100, output = 50 } }));
        await Eventually.Async(async () => (await Usage("jon")).Tokens == 165, TimeSpan.FromSeconds(10), "the second round's generation was not added to the first");
        await app.Host.IngestAsync(_key, Event("span-create", new { id = "split-3", traceId = "split" }),
            Event("generation-create", new { id = "split-4", traceId = "split", usage = new { input = 1000, output = 500 } }));
        await Eventually.Async(async () => (await Usage("jon")).Tokens == 1665, TimeSpan.FromSeconds(10), "the third round's generation was not added");
    }
}
