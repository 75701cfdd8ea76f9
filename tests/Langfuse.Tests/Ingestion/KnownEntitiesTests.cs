using System.Text.Json;
using Langfuse.Features.Ingestion.Processing;
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

    [Fact]
    public async Task Once_the_set_is_trusted_an_update_in_a_later_round_is_still_merged()
    {
        var id = NewId();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id, name = "first", userId = "u1" }, 0));
        await app.Host.TraceWhenAsync(_project, id, _ => true);
        await Known.RebuildOf(_project.Id);
        (await StateAsync(_project.Id)).ShouldBe("ready");

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
        await Known.RebuildOf(_project.Id);
        (await StateAsync(_project.Id)).ShouldBe("ready");

        // What a restart that lost the last second of the append-only file leaves: the marks gone, another run id.
        var meta = KnownEntities.MetaKey(_project.Id);
        var levels = (int)await Redis.HashGetAsync(meta, "levels");
        for (var level = 0; level < levels; level++)
            for (var bucket = 0; bucket < Known.FirstBuckets << (2 * level); bucket++)
                await Redis.KeyDeleteAsync($"{meta}:{level}:{bucket}", CommandFlags.FireAndForget);
        await Redis.HashSetAsync(meta, "run", "a-run-before-the-restart");

        await app.Host.IngestAsync(_project, Event("trace-create", new { id = first, release = "after the restart" }, 1));
        var merged = await app.Host.TraceWhenAsync(_project, first, t => t.GetProperty("release").ValueKind == JsonValueKind.String);
        merged.GetProperty("name").GetString().ShouldBe("first");
        await Known.RebuildOf(_project.Id);
        (await StateAsync(_project.Id)).ShouldBe("ready");

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
            app.Host.Services.GetRequiredService<ILogger<KnownEntities>>()) { FirstBuckets = 2, PerBucket = 2 };
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
}
