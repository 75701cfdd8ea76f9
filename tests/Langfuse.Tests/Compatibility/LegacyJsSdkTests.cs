using System.Text.Json;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Compatibility;

/// <summary>The real legacy Langfuse JS SDK (npm "langfuse" 3.x) against the service on a real port.</summary>
[Collection(IngestionCollection.Name)]
public sealed class LegacyJsSdkTests(AppFixture app) : RealServiceTest(app)
{
    [Fact]
    public async Task A_trace_sent_by_the_legacy_SDK_reads_back_field_by_field()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        await RunNodeAsync("legacy-sdk-trace.mjs", run);

        JsonElement trace = default;
        await Eventually.Async(async () =>
        {
            if (await GetFromServiceAsync($"/api/public/traces/trace-{run}") is not { } t) return false;
            trace = t;
            return t.GetProperty("observations").GetArrayLength() == 4 && t.GetProperty("scores").GetArrayLength() == 2
                && t.GetProperty("output").ValueKind != JsonValueKind.Null
                && t.Observation($"generation-{run}").GetProperty("endTime").ValueKind != JsonValueKind.Null
                // The SDK's batches may be folded in either order: an end that arrived before its create has no model yet.
                && t.Observation($"generation-{run}").GetProperty("model").ValueKind != JsonValueKind.Null
                && t.Observation($"span-root-{run}").GetProperty("endTime").ValueKind != JsonValueKind.Null;
        }, IngestionClient.WaitForStored, "the SDK's trace did not arrive complete");

        trace.GetProperty("name").GetString().ShouldBe("sdk-trace");
        trace.GetProperty("userId").GetString().ShouldBe("sdk-user");
        trace.GetProperty("sessionId").GetString().ShouldBe($"session-{run}");
        trace.GetProperty("release").GetString().ShouldBe("1.2.3");
        trace.GetProperty("version").GetString().ShouldBe("v1");
        trace.GetProperty("input").GetProperty("question").GetString().ShouldBe("What is the capital of France?");
        trace.GetProperty("output").GetProperty("answer").GetString().ShouldBe("Paris");
        trace.GetProperty("metadata").GetProperty("source").GetString().ShouldBe("legacy-sdk");
        trace.GetProperty("metadata").GetProperty("attempt").GetInt32().ShouldBe(2);
        trace.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["compat", "sdk"]);
        trace.GetProperty("totalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);

        var root = trace.Observation($"span-root-{run}");
        root.GetProperty("type").GetString().ShouldBe("SPAN");
        root.GetProperty("name").GetString().ShouldBe("retrieve-and-answer");
        root.GetProperty("parentObservationId").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("output").GetProperty("answer").GetString().ShouldBe("Paris");

        var child = trace.Observation($"span-child-{run}");
        child.GetProperty("parentObservationId").GetString().ShouldBe($"span-root-{run}");
        child.GetProperty("metadata").GetProperty("k").GetInt32().ShouldBe(3);
        child.GetProperty("output").GetProperty("documents").GetInt32().ShouldBe(3);

        var ev = trace.Observation($"event-{run}");
        ev.GetProperty("type").GetString().ShouldBe("EVENT");
        ev.GetProperty("parentObservationId").GetString().ShouldBe($"span-child-{run}");
        ev.GetProperty("level").GetString().ShouldBe("WARNING");
        ev.GetProperty("statusMessage").GetString().ShouldBe("no cached documents");

        var generation = trace.Observation($"generation-{run}");
        generation.GetProperty("type").GetString().ShouldBe("GENERATION");
        generation.GetProperty("parentObservationId").GetString().ShouldBe($"span-root-{run}");
        generation.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        generation.GetProperty("modelParameters").GetProperty("temperature").GetDouble().ShouldBe(0.2);
        generation.GetProperty("input")[0].GetProperty("content").GetString().ShouldBe("What is the capital of France?");
        generation.GetProperty("output").GetString().ShouldBe("Paris");
        generation.GetProperty("usage").GetProperty("input").GetInt64().ShouldBe(150);
        generation.GetProperty("usage").GetProperty("output").GetInt64().ShouldBe(75);
        generation.GetProperty("usageDetails").GetProperty("total").GetInt64().ShouldBe(225);
        generation.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
        generation.GetProperty("completionStartTime").ValueKind.ShouldBe(JsonValueKind.String);
        // The SDK enqueues the create after processing its input, so its update can carry the earlier envelope
        // timestamp and fix startTime (first defined value wins, as in Langfuse): the sign depends on that timing.
        var ttft = (DateTimeOffset.Parse(generation.GetProperty("completionStartTime").GetString()!) - DateTimeOffset.Parse(generation.GetProperty("startTime").GetString()!)).TotalSeconds;
        generation.GetProperty("timeToFirstToken").GetDouble().ShouldBe(ttft, 0.0011);

        var scores = trace.GetProperty("scores").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        scores["accuracy"].GetProperty("value").GetDouble().ShouldBe(0.9);
        scores["accuracy"].GetProperty("dataType").GetString().ShouldBe("NUMERIC");
        scores["accuracy"].GetProperty("comment").GetString().ShouldBe("good");
        scores["tone"].GetProperty("dataType").GetString().ShouldBe("CATEGORICAL");
        scores["tone"].GetProperty("stringValue").GetString().ShouldBe("friendly");
        scores["tone"].GetProperty("observationId").GetString().ShouldBe($"generation-{run}");
    }
}
