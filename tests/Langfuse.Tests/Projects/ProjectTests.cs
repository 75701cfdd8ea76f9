using Langfuse.Features.Ingestion;
using Langfuse.Features.Ingestion.Processing;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Messaging.RedisStreams;
using Langfuse.Tests.Infrastructure;
using Marten;
using Xunit.Abstractions;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Projects;

[Collection(FoundationCollection.Name)]
public sealed class ProjectTests(AppFixture app, ITestOutputHelper output)
{
    sealed record Count(ulong N);

    async Task<ulong> ClickHouseRowsAsync(string projectId)
    {
        var gateway = app.Service<ClickHouseGateway>();
        ulong total = 0;
        foreach (var table in new[] { "traces", "observations", "scores", "ingestion_events", "quarantined_events" })
            total += (await gateway.QueryAsync<Count>(Sql.Of($"SELECT count() AS n FROM {Sql.Trusted(table)} WHERE project_id = {projectId}"))).Single().N;
        return total;
    }

    [Fact]
    public async Task Projects_are_created_renamed_with_unique_names_and_validated()
    {
        var team = await Team.CreateAsync(app.Host);
        var org = $"/api/app/organizations/{team.OrganizationId}";
        (await team.Owner.PostAsync($"{org}/projects", new { name = "Project one" })).Status.ShouldBe(409);
        (await team.Owner.PostAsync($"{org}/projects", new { name = "ab" })).Status.ShouldBe(400);
        (await team.Owner.PostAsync($"{org}/projects", new { name = new string('x', 61) })).Status.ShouldBe(400);
        var (status, created) = await team.Owner.PostAsync($"{org}/projects", new { name = "Project two" });
        status.ShouldBe(201);
        var id = created.GetProperty("id").GetString();
        (await team.Owner.PatchAsync($"/api/app/projects/{id}", new { name = "Project one" })).Status.ShouldBe(409);
        (await team.Owner.PatchAsync($"/api/app/projects/{id}", new { name = "Project 2" })).Body.GetProperty("name").GetString().ShouldBe("Project 2");
        var names = (await team.Owner.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations")[0].GetProperty("projects")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        names.ShouldBe(["Project 2", "Project one"]);
    }

    [Fact]
    public async Task Deleting_a_project_stops_its_keys_at_once_and_erases_its_data_everywhere()
    {
        var team = await Team.CreateAsync(app.Host);
        var key = await team.CreateSdkKeyAsync();
        var keep = await app.CreateProjectAsync("kept");
        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(key,
            Event("trace-create", new { id = traceId, input = "hello" }),
            Event("generation-create", new { id = Guid.NewGuid().ToString(), traceId, model = "gpt-4o", input = "hi" }),
            Event("score-create", new { id = Guid.NewGuid().ToString(), traceId, name = "q", value = 1 }));
        await app.Host.TraceWhenAsync(key, traceId, t => t.HasObservations(1) && t.HasScores(1));
        var keptTrace = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(keep, Event("trace-create", new { id = keptTrace }));
        await app.Host.TraceWhenAsync(keep, keptTrace, _ => true);
        (await app.Host.SendAsync(key, HttpMethod.Post, "/api/public/v2/prompts", new { name = "p", prompt = "Hi" })).Status.ShouldBe(201);

        var (status, body) = await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}");
        status.ShouldBe(202);
        body.GetProperty("success").GetBoolean().ShouldBeTrue();
        (await app.Host.GetAsync(key, "/api/public/projects")).Status.ShouldBe(401);
        (await team.Owner.GetAsync($"/api/app/projects/{team.ProjectId}")).Status.ShouldBe(404);
        (await team.Owner.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations")[0].GetProperty("projects").GetArrayLength().ShouldBe(0);

        var started = DateTime.UtcNow;
        await Eventually.Async(async () => await ClickHouseRowsAsync(team.ProjectId) == 0, TimeSpan.FromSeconds(60), "the project's rows are still in ClickHouse");
        Figures.Report(output, $"Deleted project's ClickHouse rows erased {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms after the 202");
        await Eventually.Async(async () =>
        {
            await using var session = app.Service<IDocumentStore>().QuerySession(team.ProjectId);
            return !await session.Query<Langfuse.Features.Prompts.Prompt>().AnyAsync();
        }, TimeSpan.FromSeconds(30), "the project's prompts are still in Postgres");
        (await app.Host.GetAsync(keep, $"/api/public/traces/{keptTrace}")).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Events_of_a_deleted_project_still_in_the_queue_are_dropped_by_the_worker()
    {
        var team = await Team.CreateAsync(app.Host);
        var live = await app.CreateProjectAsync();
        (await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}")).Status.ShouldBe(202);
        await Eventually.Async(async () => await ClickHouseRowsAsync(team.ProjectId) == 0, TimeSpan.FromSeconds(60), "erasure did not finish");

        // What the worker does with a batch taken off the stream after the deletion (accepted just before it).
        static IngestBatch Batch(string projectId)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var traceId = Guid.NewGuid().ToString();
            return new IngestBatch(projectId, now, [new AcceptedEvent(Guid.NewGuid().ToString(), "trace-create", now, EntityTypes.Trace, traceId, System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{traceId}}"}"""))]);
        }
        var pipeline = app.Service<IngestionPipeline>();
        await IngestBatchHandler.Handle(Encoded<IngestBatch>.Of(Batch(team.ProjectId)), pipeline, default);
        await IngestBatchHandler.Handle(Encoded<IngestBatch>.Of(Batch(live.Id)), pipeline, default);
        (await ClickHouseRowsAsync(team.ProjectId)).ShouldBe(0UL);
        (await ClickHouseRowsAsync(live.Id)).ShouldBeGreaterThan(0UL);
    }

    [Fact]
    public async Task An_organization_with_projects_cannot_be_deleted_until_they_are()
    {
        var team = await Team.CreateAsync(app.Host);
        var org = $"/api/app/organizations/{team.OrganizationId}";
        var (status, body) = await team.Owner.DeleteAsync(org);
        status.ShouldBe(409);
        body.GetProperty("message").GetString()!.ShouldContain("projects first");
        (await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}")).Status.ShouldBe(202);
        (await team.Owner.DeleteAsync(org)).Status.ShouldBe(204);
        (await team.Owner.GetAsync($"{org}/members")).Status.ShouldBe(404);
    }
}
