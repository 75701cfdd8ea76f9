using System.Text.Json.Nodes;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

[Collection(IngestionCollection.Name)]
public sealed class DeepAndLargePayloadTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Deeply_nested_and_unicode_inputs_round_trip()
    {
        var traceId = Guid.NewGuid().ToString();
        JsonNode deep = new JsonObject { ["leaf"] = "bottom" };
        for (var i = 0; i < 200; i++) deep = new JsonObject { ["level"] = deep };
        var text = "emoji 🦆, quotes \" ' \\ and a NUL \0 and newline\n";
        await app.Host.IngestAsync(_project, IngestionClient.Event("trace-create", new { id = traceId, input = deep, output = text, name = "deep" }));
        var trace = await app.Host.TraceWhenAsync(_project, traceId, _ => true);
        var node = trace.GetProperty("input");
        for (var i = 0; i < 200; i++) node = node.GetProperty("level");
        node.GetProperty("leaf").GetString().ShouldBe("bottom");
        trace.GetProperty("output").GetString().ShouldBe(text);
    }
}
