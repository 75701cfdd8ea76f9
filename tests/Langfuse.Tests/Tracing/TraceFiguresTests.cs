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
        (await Usage("dora")).Tokens.ShouldBe(165);
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
}
