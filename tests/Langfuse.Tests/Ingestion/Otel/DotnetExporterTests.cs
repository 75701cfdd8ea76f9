using System.Diagnostics;
using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Langfuse.Tests.Ingestion.Otel;

/// <summary>Spans from the real .NET OpenTelemetry SDK and OTLP/HTTP protobuf exporter, read back through the public API.</summary>
[Collection(OtelCollection.Name)]
public sealed class DotnetExporterTests(AppFixture app) : RealServiceTest(app)
{
    [Fact]
    public async Task Nested_gen_ai_spans_become_a_trace_with_typed_observations_usage_and_cost()
    {
        var sourceName = "otel-test-" + Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource(sourceName, "2.1.0");
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("support-bot", serviceVersion: "1.4.0")
                .AddAttributes([new("deployment.environment", "staging")]))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(Service.BaseUrl + "/api/public/otel/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = "Authorization=" + Project.BasicAuth;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            string traceId;
            using (var root = source.StartActivity("handle-question")!)
            {
                traceId = root.TraceId.ToHexString();
                root.SetTag("langfuse.trace.name", "support-question");
                root.SetTag("user.id", "user-42");
                root.SetTag("session.id", "session-7");
                root.SetTag("langfuse.trace.tags", new[] { "otel", "dotnet" });
                root.SetTag("langfuse.trace.metadata.tier", "gold");
                root.SetTag("input.value", "{\"question\":\"Where is my order?\"}");
                using (var llm = source.StartActivity("chat gpt-4o-mini")!)
                {
                    llm.SetTag("gen_ai.operation.name", "chat");
                    llm.SetTag("gen_ai.request.model", "gpt-4o-mini");
                    llm.SetTag("gen_ai.request.temperature", 0.2);
                    llm.SetTag("gen_ai.usage.input_tokens", 150);
                    llm.SetTag("gen_ai.usage.output_tokens", 75);
                    llm.SetTag("gen_ai.prompt.0.role", "user");
                    llm.SetTag("gen_ai.prompt.0.content", "Where is my order?");
                    llm.SetTag("gen_ai.completion.0.role", "assistant");
                    llm.SetTag("gen_ai.completion.0.content", "It ships tomorrow.");
                }
                using (var tool = source.StartActivity("execute_tool")!)
                {
                    tool.SetTag("gen_ai.tool.name", "lookup_order");
                    tool.SetTag("input.value", "{\"orderId\":\"A1\"}");
                }
                using (var failing = source.StartActivity("flaky-step")!)
                {
                    failing.AddException(new InvalidOperationException("upstream timed out"));
                    failing.SetStatus(ActivityStatusCode.Error);
                }
                root.SetTag("output.value", "It ships tomorrow.");
            }
            provider.ForceFlush(10_000).ShouldBeTrue();

            JsonElement trace = default;
            await Eventually.Async(async () =>
            {
                var (status, body) = await App.Host.GetAsync(Project, $"/api/public/traces/{traceId}");
                trace = body;
                return status == 200 && body.GetProperty("observations").GetArrayLength() == 4 && body.GetProperty("name").ValueKind == JsonValueKind.String;
            }, IngestionClient.WaitForStored, "the exported trace did not arrive");

            trace.GetProperty("name").GetString().ShouldBe("support-question");
            trace.GetProperty("userId").GetString().ShouldBe("user-42");
            trace.GetProperty("sessionId").GetString().ShouldBe("session-7");
            trace.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["dotnet", "otel"]);
            trace.GetProperty("environment").GetString().ShouldBe("staging");
            trace.GetProperty("version").GetString().ShouldBe("1.4.0");
            trace.GetProperty("metadata").GetProperty("tier").GetString().ShouldBe("gold");
            trace.GetProperty("input").GetProperty("question").GetString().ShouldBe("Where is my order?");
            trace.GetProperty("output").GetString().ShouldBe("It ships tomorrow.");

            var observations = trace.GetProperty("observations").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
            var rootObservation = observations["handle-question"];
            rootObservation.GetProperty("type").GetString().ShouldBe("SPAN");
            rootObservation.GetProperty("parentObservationId").ValueKind.ShouldBe(JsonValueKind.Null);
            rootObservation.GetProperty("metadata").GetProperty("resourceAttributes").GetProperty("service.name").GetString().ShouldBe("support-bot");
            rootObservation.GetProperty("metadata").GetProperty("scope").GetProperty("name").GetString().ShouldBe(sourceName);

            var generation = observations["chat gpt-4o-mini"];
            generation.GetProperty("type").GetString().ShouldBe("GENERATION");
            generation.GetProperty("parentObservationId").GetString().ShouldBe(rootObservation.GetProperty("id").GetString());
            generation.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
            generation.GetProperty("modelParameters").GetProperty("temperature").GetDouble().ShouldBe(0.2);
            generation.GetProperty("usageDetails").GetProperty("input").GetInt64().ShouldBe(150);
            generation.GetProperty("usageDetails").GetProperty("output").GetInt64().ShouldBe(75);
            generation.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
            generation.GetProperty("input")[0].GetProperty("content").GetString().ShouldBe("Where is my order?");
            generation.GetProperty("output")[0].GetProperty("content").GetString().ShouldBe("It ships tomorrow.");
            generation.GetProperty("endTime").ValueKind.ShouldBe(JsonValueKind.String);

            var toolObservation = observations["lookup_order"];
            toolObservation.GetProperty("type").GetString().ShouldBe("TOOL");
            toolObservation.GetProperty("input").GetProperty("orderId").GetString().ShouldBe("A1");

            var failed = observations["flaky-step"];
            failed.GetProperty("level").GetString().ShouldBe("ERROR");
            failed.GetProperty("statusMessage").GetString().ShouldBe("upstream timed out");
            trace.GetProperty("totalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
        }
    }
}
