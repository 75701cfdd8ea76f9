using Langfuse.Tests.Datasets;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Compatibility;

/// <summary>Datasets and runs through the real legacy Langfuse JS SDK against the service on a real port.</summary>
[Collection(DatasetsCollection.Name)]
public sealed class LegacyJsSdkDatasetTests(AppFixture app) : RealServiceTest(app)
{
    [Fact]
    public async Task The_SDK_creates_a_dataset_reads_it_and_links_items_to_a_run()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var result = await RunNodeAsync("legacy-sdk-datasets.mjs", run);

        result.GetProperty("description").GetString().ShouldBe("capitals");
        result.GetProperty("metadata").GetProperty("owner").GetString().ShouldBe("sdk");
        var items = result.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!);
        items.Keys.ShouldBe([$"france-{run}", $"japan-{run}"], ignoreOrder: true);
        items[$"france-{run}"].GetProperty("input").GetProperty("country").GetString().ShouldBe("France");
        items[$"france-{run}"].GetProperty("expectedOutput").GetString().ShouldBe("Paris");
        items[$"france-{run}"].GetProperty("status").GetString().ShouldBe("ACTIVE");

        var (status, runView) = await App.Host.GetAsync(Project, $"/api/public/datasets/{result.GetProperty("name").GetString()}/runs/run-{run}");
        status.ShouldBe(200);
        runView.GetProperty("description").GetString().ShouldBe("sdk run");
        runView.GetProperty("metadata").GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        var runItems = runView.GetProperty("datasetRunItems").EnumerateArray().ToList();
        runItems.Count.ShouldBe(4);
        foreach (var link in result.GetProperty("linked").EnumerateArray())
        {
            var itemId = link.GetProperty("itemId").GetString();
            var traceId = link.GetProperty("traceId").GetString();
            runItems.Count(r => r.GetProperty("datasetItemId").GetString() == itemId && r.GetProperty("traceId").GetString() == traceId).ShouldBe(2);
            runItems.ShouldContain(r => r.GetProperty("observationId").GetString() == link.GetProperty("generationId").GetString());
            // The linked trace itself arrived through ingestion.
            var trace = await App.Host.TraceWhenAsync(Project, traceId!, t => t.HasObservations(1));
            trace.GetProperty("name").GetString().ShouldBe("capital-experiment");
        }
    }
}
