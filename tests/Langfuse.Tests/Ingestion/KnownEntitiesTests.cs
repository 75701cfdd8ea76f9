using System.Text.Json;
using Langfuse.Features.Ingestion.Processing;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

/// <summary>
/// The worker asks ClickHouse about an entity's earlier events only when the project's known-entities set in Redis says
/// it may have some. Whatever happens to that set (new project, Redis restarted and lost its last marks), a later event
/// is still merged with the earlier ones.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class KnownEntitiesTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    KnownEntities Known => app.Host.Services.GetRequiredService<KnownEntities>();
    IDatabase Redis => app.Host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    async Task<string?> StateAsync(string projectId) => await Redis.HashGetAsync(KnownEntities.MetaKey(projectId), "state");

    static string NewId() => Guid.NewGuid().ToString();

    /// <summary>
    /// Waits for the project's set to be trusted. Its rebuild runs in whichever host's worker took the round (hosts of
    /// other test collections share the queue), so this host's <see cref="KnownEntities.RebuildOf"/> may not see it.
    /// </summary>
    Task TrustedAsync() => Eventually.Async(async () => await StateAsync(_project.Id) == "ready", TimeSpan.FromSeconds(30), "the set was never trusted");

    /// <summary>What a restart that lost the last second of the append-only file leaves: the marks gone, another run id.</summary>
    async Task LoseMarksAsync()
    {
        var meta = KnownEntities.MetaKey(_project.Id);
        var levels = (int)await Redis.HashGetAsync(meta, "levels");
        for (var level = 0; level < levels; level++)
            for (var bucket = 0; bucket < Known.FirstBuckets << (2 * level); bucket++)
                await Redis.KeyDeleteAsync($"{meta}:{level}:{bucket}", CommandFlags.FireAndForget);
        await Redis.HashSetAsync(meta, "run", "a-run-before-the-restart");
    }

    [Fact]
    public async Task Once_the_set_is_trusted_an_update_in_a_later_round_is_still_merged()
    {
        var id = NewId();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id, name = "first", userId = "u1" }, 0));
        await app.Host.TraceWhenAsync(_project, id, _ => true);
        await TrustedAsync();

        await app.Host.IngestAsync(_project, Event("trace-create", new { id, release = "r2" }, 1));
        var trace = await app.Host.TraceWhenAsync(_project, id, t => t.GetProperty("release").ValueKind == JsonValueKind.String);
        trace.GetProperty("name").GetString().ShouldBe("first");
        trace.GetProperty("userId").GetString().ShouldBe("u1");
        trace.GetProperty("release").GetString().ShouldBe("r2");
    }

    [Fact]
    public async Task Marks_lost_in_a_Redis_restart_are_rebuilt_from_the_event_log_before_the_set_is_trusted_again()
    {
        var (first, second) = (NewId(), NewId());
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = first, name = "first" }, 0),
            Event("trace-create", new { id = second, name = "second" }, 0));
        await app.Host.TraceWhenAsync(_project, second, _ => true);
        await TrustedAsync();

        await LoseMarksAsync();

        await app.Host.IngestAsync(_project, Event("trace-create", new { id = first, release = "after the restart" }, 1));
        var merged = await app.Host.TraceWhenAsync(_project, first, t => t.GetProperty("release").ValueKind == JsonValueKind.String);
        merged.GetProperty("name").GetString().ShouldBe("first");
        await TrustedAsync();

        // Trusted again: the entity logged before the restart is known from the rebuild, not from a mark of its own.
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = second, release = "after the rebuild" }, 1));
        var rebuilt = await app.Host.TraceWhenAsync(_project, second, t => t.GetProperty("release").ValueKind == JsonValueKind.String);
        rebuilt.GetProperty("name").GetString().ShouldBe("second");
    }

    [Fact]
    public async Task A_set_that_outgrows_its_levels_still_knows_every_entity_and_tells_new_ones_apart()
    {
        // Tiny levels (2 buckets of 2 on average, then 8, 32 …): 300 entities fill several of them.
        var known = new KnownEntities(app.Host.Services.GetRequiredService<IConnectionMultiplexer>(), app.Host.Services.GetRequiredService<EventLog>(),
            app.Host.Services.GetRequiredService<Langfuse.Features.Tracing.Tables.TraceFigures>(), app.Host.Services.GetRequiredService<ILogger<KnownEntities>>()) { FirstBuckets = 2, PerBucket = 2 };
        var projectId = "known-entities-" + NewId(); // no events logged: the rebuild finds nothing and trusts the set
        (await known.MarkAsync(projectId, [("trace", "warm-up")], default)).ShouldBeNull();
        await known.RebuildOf(projectId);

        var first = Enumerable.Range(0, 300).Select(i => ("observation", $"o-{i}")).ToList();
        foreach (var batch in first.Chunk(50))
            (await known.MarkAsync(projectId, batch, default)).ShouldNotBeNull().ShouldBeEmpty();
        ((int)await Redis.HashGetAsync(KnownEntities.MetaKey(projectId), "levels")).ShouldBeGreaterThan(2);

        var again = await known.MarkAsync(projectId, [.. first.Take(150), .. Enumerable.Range(0, 150).Select(i => ("observation", $"n-{i}"))], default);
        again.ShouldNotBeNull();
        again.Where(e => e.EntityId.StartsWith("o-")).Count().ShouldBe(150);
        // A new entity is taken for a known one about once in ten million.
        again.Where(e => e.EntityId.StartsWith("n-")).ShouldBeEmpty();
        // The same entity id under another type is another entity.
        (await known.MarkAsync(projectId, [("score", "o-1")], default)).ShouldNotBeNull().ShouldBeEmpty();

        await known.ForgetProjectAsync(projectId);
        (await Redis.KeyExistsAsync(KnownEntities.MetaKey(projectId))).ShouldBeFalse();
        (await Redis.KeyExistsAsync($"{KnownEntities.MetaKey(projectId)}:0:0")).ShouldBeFalse();
    }

    sealed record Total(long Tokens);

    async Task<long> TotalTokensAsync(string traceId) => (await app.Service<ClickHouseGateway>().QueryAsync<Total>(Sql.Of(
        $"SELECT argMax(total_tokens, version) AS tokens FROM trace_figures WHERE project_id = {_project.Id} AND trace_id = {traceId}"))).Single().Tokens;

    [Fact]
    public async Task A_trace_observed_before_the_marks_were_lost_still_gets_the_figures_of_all_its_observations()
    {
        var trace = NewId();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = trace }),
            Event("generation-create", new { id = trace + "-1", traceId = trace, usage = new { input = 10, output = 5 } }));
        await Eventually.Async(async () => await TotalTokensAsync(trace) == 15, TimeSpan.FromSeconds(10), "the first generation was not counted");
        await TrustedAsync();

        await LoseMarksAsync();
        await app.Host.IngestAsync(_project, Event("generation-create", new { id = trace + "-2", traceId = trace, usage = new { input = 60, output = 40 } }));
        await Eventually.Async(async () => await TotalTokensAsync(trace) == 115, TimeSpan.FromSeconds(10), "the generation sent while the set was rebuilt was not added");
        await TrustedAsync();

        // Trusted again: the trace is known as observed from the rebuild (it streams the traces of stored observation
        // rows), so its figures are recomputed over all rows, not taken from this round's one generation.
        await app.Host.IngestAsync(_project, Event("generation-create", new { id = trace + "-3", traceId = trace, usage = new { input = 600, output = 400 } }));
        await Eventually.Async(async () => await TotalTokensAsync(trace) == 1115, TimeSpan.FromSeconds(10), "the figures lost the earlier generations");
    }

    [Fact]
    public async Task A_set_made_before_observed_traces_were_marked_is_rebuilt_before_it_is_trusted()
    {
        var projectId = "known-entities-" + NewId();
        (await Known.MarkAsync(projectId, [("trace", "warm-up")], default)).ShouldBeNull();
        await Known.RebuildOf(projectId);
        (await Known.MarkAsync(projectId, [("trace", "next")], default)).ShouldNotBeNull();

        // An earlier version kept the bare run id: its sets lack the observed traces, so they are not trusted as they are.
        var runId = (string)(await Redis.ScriptEvaluateAsync("return string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')"))!;
        await Redis.HashSetAsync(KnownEntities.MetaKey(projectId), "run", runId);
        (await Known.MarkAsync(projectId, [("trace", "after")], default)).ShouldBeNull();
        await Known.RebuildOf(projectId);
        (await Known.MarkAsync(projectId, [("trace", "after")], default)).ShouldNotBeNull().ShouldBe([("trace", "after")]);
        await Known.ForgetProjectAsync(projectId);
    }
}
