using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

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
