using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Datasets;

[Collection(DatasetsCollection.Name)]
public sealed class DatasetTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    Task<(int Status, JsonElement Body)> Post(string url, object body) => app.Host.SendAsync(_project, HttpMethod.Post, url, body);
    Task<(int Status, JsonElement Body)> Get(string url) => app.Host.GetAsync(_project, url);
    static string Unique(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task Datasets_are_created_or_updated_by_name_in_v1_and_v2_shapes()
    {
        var name = Unique("qa/set one");
        var (status, v2) = await Post("/api/public/v2/datasets", new { name, description = "first", metadata = new { owner = "me" } });
        status.ShouldBe(200);
        v2.GetProperty("name").GetString().ShouldBe(name);
        v2.GetProperty("projectId").GetString().ShouldBe(_project.Id);
        v2.TryGetProperty("items", out _).ShouldBeFalse();

        var (_, v1) = await Post("/api/public/datasets", new { name, description = "second" });
        v1.GetProperty("id").GetString().ShouldBe(v2.GetProperty("id").GetString());
        v1.GetProperty("description").GetString().ShouldBe("second");
        v1.GetProperty("metadata").GetProperty("owner").GetString().ShouldBe("me");
        v1.GetProperty("items").GetArrayLength().ShouldBe(0);

        (await Get($"/api/public/v2/datasets/{Uri.EscapeDataString(name)}")).Body.GetProperty("description").GetString().ShouldBe("second");
        var (_, list) = await Get("/api/public/v2/datasets?limit=100");
        list.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("name").GetString()).ShouldContain(name);
        (await Get($"/api/public/v2/datasets/{Unique("missing")}")).Status.ShouldBe(404);
        (await Post("/api/public/v2/datasets", new { description = "no name" })).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Items_are_versioned_and_the_dataset_can_be_read_as_it_was()
    {
        var name = Unique("versions");
        await Post("/api/public/v2/datasets", new { name });
        var (_, first) = await Post("/api/public/dataset-items", new { datasetName = name, id = "item-" + name, input = new { q = "v1" }, expectedOutput = "a1" });
        first.GetProperty("id").GetString().ShouldBe("item-" + name);
        first.GetProperty("status").GetString().ShouldBe("ACTIVE");
        var between = first.GetProperty("validFrom").GetDateTimeOffset().AddMilliseconds(1);
        await Task.Delay(5); // two versions must differ in validFrom; this keeps "between" strictly inside the first
        var (_, second) = await Post("/api/public/dataset-items", new { datasetName = name, id = "item-" + name, input = new { q = "v2" } });
        second.GetProperty("expectedOutput").GetString().ShouldBe("a1"); // omitted fields keep their value
        var (_, generated) = await Post("/api/public/dataset-items", new { datasetName = name, input = "another" });
        generated.GetProperty("id").GetString().ShouldNotBeNullOrEmpty();

        var (_, now) = await Get($"/api/public/dataset-items?datasetName={Uri.EscapeDataString(name)}");
        now.GetProperty("data").GetArrayLength().ShouldBe(2);
        now.GetProperty("data").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "item-" + name).GetProperty("input").GetProperty("q").GetString().ShouldBe("v2");

        var (_, then) = await Get($"/api/public/dataset-items?datasetName={Uri.EscapeDataString(name)}&version={Uri.EscapeDataString(between.ToString("O"))}");
        then.GetProperty("data").EnumerateArray().Single().GetProperty("input").GetProperty("q").GetString().ShouldBe("v1");
        (await Get("/api/public/dataset-items?version=2024-01-01T00:00:00Z")).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Archived_items_leave_lists_but_stay_readable_and_deleted_ones_are_gone()
    {
        var name = Unique("archive");
        await Post("/api/public/v2/datasets", new { name });
        var id = Unique("item");
        await Post("/api/public/dataset-items", new { datasetName = name, id, input = "x" });
        await Post("/api/public/dataset-items", new { datasetName = name, id, status = "ARCHIVED" });
        (await Get($"/api/public/dataset-items?datasetName={name}")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
        var (status, archived) = await Get($"/api/public/dataset-items/{id}");
        status.ShouldBe(200);
        archived.GetProperty("status").GetString().ShouldBe("ARCHIVED");
        archived.GetProperty("input").GetString().ShouldBe("x");

        var (deleted, body) = await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/dataset-items/{id}");
        deleted.ShouldBe(200);
        body.GetProperty("message").GetString().ShouldBe("Dataset item successfully deleted");
        (await Get($"/api/public/dataset-items/{id}")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task An_item_id_belongs_to_one_dataset_per_project()
    {
        var a = Unique("a");
        var b = Unique("b");
        await Post("/api/public/v2/datasets", new { name = a });
        await Post("/api/public/v2/datasets", new { name = b });
        var id = Unique("shared");
        (await Post("/api/public/dataset-items", new { datasetName = a, id, input = 1 })).Status.ShouldBe(200);
        var (status, body) = await Post("/api/public/dataset-items", new { datasetName = b, id, input = 2 });
        status.ShouldBe(409);
        body.GetProperty("message").GetString()!.ShouldContain("another dataset");
        (await Post("/api/public/dataset-items", new { datasetName = Unique("nope"), input = 1 })).Status.ShouldBe(404);

        var other = await app.CreateProjectAsync();
        await app.Host.SendAsync(other, HttpMethod.Post, "/api/public/v2/datasets", new { name = a });
        (await app.Host.SendAsync(other, HttpMethod.Post, "/api/public/dataset-items", new { datasetName = a, id, input = 3 })).Status.ShouldBe(200);
        (await Get($"/api/public/dataset-items/{id}")).Body.GetProperty("input").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Items_that_do_not_match_the_dataset_schemas_are_refused_with_the_errors()
    {
        var name = Unique("schema");
        var (created, _) = await Post("/api/public/v2/datasets", new
        {
            name,
            inputSchema = new { type = "object", required = new[] { "question" }, properties = new { question = new { type = "string" } } },
            expectedOutputSchema = new { type = "string" },
        });
        created.ShouldBe(200);
        (await Post("/api/public/dataset-items", new { datasetName = name, input = new { question = "ok?" }, expectedOutput = "yes" })).Status.ShouldBe(200);
        var (status, body) = await Post("/api/public/dataset-items", new { datasetName = name, input = new { wrong = 1 }, expectedOutput = "yes" });
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain("input does not match");
        body.GetProperty("message").GetString()!.ShouldContain("question");
        (await Post("/api/public/dataset-items", new { datasetName = name, input = new { question = "q" }, expectedOutput = 5 })).Status.ShouldBe(400);
        (await Post("/api/public/v2/datasets", new { name = Unique("bad"), inputSchema = "not a schema" })).Status.ShouldBe(400);
    }

    [Fact]
    public async Task Run_items_link_traces_and_observations_and_runs_can_be_read_and_deleted()
    {
        var name = Unique("runs");
        var (_, dataset) = await Post("/api/public/v2/datasets", new { name });
        var item = Unique("item");
        await Post("/api/public/dataset-items", new { datasetName = name, id = item, input = "question" });
        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project, Event("trace-create", new { id = traceId }), Event("span-create", new { id = traceId + "-s", traceId }));
        await app.Host.GetWhenAsync(_project, $"/api/public/observations/{traceId}-s", _ => true);

        var (linked, runItem) = await Post("/api/public/dataset-run-items", new { runName = "run-1", runDescription = "first run", metadata = new { model = "gpt-4o" }, datasetItemId = item, traceId });
        linked.ShouldBe(200);
        runItem.GetProperty("datasetRunName").GetString().ShouldBe("run-1");
        runItem.GetProperty("traceId").GetString().ShouldBe(traceId);
        var (_, fromObservation) = await Post("/api/public/dataset-run-items", new { runName = "run-1", datasetItemId = item, observationId = traceId + "-s" });
        fromObservation.GetProperty("traceId").GetString().ShouldBe(traceId); // inferred
        fromObservation.GetProperty("datasetRunId").GetString().ShouldBe(runItem.GetProperty("datasetRunId").GetString());

        (await Post("/api/public/dataset-run-items", new { runName = "run-1", datasetItemId = "missing", traceId })).Status.ShouldBe(404);
        var (unknownKey, unknownBody) = await Post("/api/public/dataset-run-items", new { runName = "run-1", datasetItemId = item, traceId, extra = 1 });
        unknownKey.ShouldBe(400);
        unknownBody.ToString().ShouldContain("Unrecognized key in body: 'extra'");

        var (_, runs) = await Get($"/api/public/datasets/{name}/runs");
        var run = runs.GetProperty("data").EnumerateArray().Single();
        run.GetProperty("description").GetString().ShouldBe("first run");
        run.GetProperty("metadata").GetProperty("model").GetString().ShouldBe("gpt-4o");
        var (_, withItems) = await Get($"/api/public/datasets/{name}/runs/run-1");
        withItems.GetProperty("datasetRunItems").GetArrayLength().ShouldBe(2);
        var (_, listed) = await Get($"/api/public/dataset-run-items?datasetId={dataset.GetProperty("id").GetString()}&runName=run-1");
        listed.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(2);
        var (_, secondPage) = await Get($"/api/public/dataset-run-items?datasetId={dataset.GetProperty("id").GetString()}&runName=run-1&limit=1&page=2");
        secondPage.GetProperty("data").GetArrayLength().ShouldBe(1);
        var (_, pastTheEnd) = await Get($"/api/public/dataset-run-items?datasetId={dataset.GetProperty("id").GetString()}&runName=run-1&limit=1&page=3");
        pastTheEnd.GetProperty("data").GetArrayLength().ShouldBe(0);
        pastTheEnd.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(2);
        (await Get($"/api/public/datasets/{name}")).Body.GetProperty("runs").EnumerateArray().Select(r => r.GetString()).ShouldBe(["run-1"]);

        // Scores on the run go through ingestion.
        var scoreId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project, Event("score-create", new { id = scoreId, datasetRunId = run.GetProperty("id").GetString(), name = "accuracy", value = 0.8 }));
        (await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{scoreId}", _ => true)).GetProperty("datasetRunId").GetString().ShouldBe(run.GetProperty("id").GetString());

        var (deleted, message) = await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/datasets/{name}/runs/run-1");
        deleted.ShouldBe(200);
        message.GetProperty("message").GetString().ShouldBe("Dataset run successfully deleted");
        (await Get($"/api/public/datasets/{name}/runs/run-1")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Datasets_are_private_to_their_project()
    {
        var name = Unique("private");
        await Post("/api/public/v2/datasets", new { name });
        var other = await app.CreateProjectAsync();
        (await app.Host.GetAsync(other, $"/api/public/v2/datasets/{name}")).Status.ShouldBe(404);
        (await app.Host.SendAsync(other, HttpMethod.Post, "/api/public/dataset-items", new { datasetName = name, input = 1 })).Status.ShouldBe(404);
    }
}
