using System.Text.Json;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Ingestion.Otel;

/// <summary>The OTel-based Langfuse JS SDK (@langfuse/tracing + @langfuse/otel) against the service on a real port.</summary>
[Collection(OtelCollection.Name)]
public sealed class JsOtelSdkTests(AppFixture app) : RealServiceTest(app)
{
    [Fact]
    public async Task Observations_from_the_OTel_SDK_map_field_by_field()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var traceId = (await RunNodeAsync("otel-sdk-trace.mjs", run)).GetProperty("traceId").GetString()!;

        // The SDK's exports may be folded in different rounds: wait for the trace's last fields too, not only its name.
        var trace = await App.Host.TraceWhenAsync(Project, traceId, t => t.HasObservations(4) && t.GetProperty("name").ValueKind == JsonValueKind.String
            && t.GetProperty("input").ValueKind == JsonValueKind.Object && t.GetProperty("output").ValueKind == JsonValueKind.Object);
        trace.GetProperty("name").GetString().ShouldBe("js-agent-run");
        trace.GetProperty("userId").GetString().ShouldBe("js-user");
        trace.GetProperty("sessionId").GetString().ShouldBe($"js-session-{run}");
        trace.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["js", "otel"]);
        trace.GetProperty("environment").GetString().ShouldBe("sdk-test");
        trace.GetProperty("release").GetString().ShouldBe("r-5");
        trace.GetProperty("metadata").GetProperty("plan").GetString().ShouldBe("pro");
        trace.GetProperty("input").GetProperty("question").GetString().ShouldBe("capital of France?");
        trace.GetProperty("output").GetProperty("answer").GetString().ShouldBe("Paris");

        var observations = trace.GetProperty("observations").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        var agent = observations["agent-run"];
        agent.GetProperty("type").GetString().ShouldBe("AGENT");
        agent.GetProperty("output").GetProperty("answer").GetString().ShouldBe("Paris");
        var agentId = agent.GetProperty("id").GetString();

        var retriever = observations["retrieve-docs"];
        retriever.GetProperty("type").GetString().ShouldBe("RETRIEVER");
        retriever.GetProperty("parentObservationId").GetString().ShouldBe(agentId);
        retriever.GetProperty("output").GetProperty("documents").GetInt32().ShouldBe(2);

        var generation = observations["llm-answer"];
        generation.GetProperty("type").GetString().ShouldBe("GENERATION");
        generation.GetProperty("parentObservationId").GetString().ShouldBe(agentId);
        generation.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        generation.GetProperty("modelParameters").GetProperty("temperature").GetDouble().ShouldBe(0.1);
        generation.GetProperty("input")[0].GetProperty("content").GetString().ShouldBe("What is the capital of France?");
        generation.GetProperty("output").GetProperty("content").GetString().ShouldBe("Paris");
        generation.GetProperty("usageDetails").GetProperty("input").GetInt64().ShouldBe(150);
        generation.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
        generation.GetProperty("environment").GetString().ShouldBe("sdk-test");

        var tool = observations["lookup-country"];
        tool.GetProperty("type").GetString().ShouldBe("TOOL");
        tool.GetProperty("level").GetString().ShouldBe("WARNING");
        tool.GetProperty("statusMessage").GetString().ShouldBe("cached");
        tool.GetProperty("metadata").TryGetProperty("attributes", out _).ShouldBeFalse();
    }
}
