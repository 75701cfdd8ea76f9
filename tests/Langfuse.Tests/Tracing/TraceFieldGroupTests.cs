using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

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
