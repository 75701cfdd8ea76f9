using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Langfuse.Tests.Otel;

[CollectionDefinition(Name)]
public sealed class OtelCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "otel";
}

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

/// <summary>OTLP/JSON, gzip, partial and out-of-order exports, and bad input.</summary>
[Collection(OtelCollection.Name)]
public sealed class OtlpHttpContractTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    static string Hex(int bytes) => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).Take(bytes).ToArray());
    static string Nanos(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() * 1_000_000).ToString();

    static object Span(string traceId, string spanId, string? parent, string name, DateTimeOffset start, params object[] attributes) => new
    {
        traceId, spanId, parentSpanId = parent ?? "", name, kind = 1,
        startTimeUnixNano = Nanos(start), endTimeUnixNano = Nanos(start.AddMilliseconds(500)),
        attributes, status = new { code = 0 },
    };

    static object Attr(string key, string value) => new { key, value = new { stringValue = value } };
    static object IntAttr(string key, long value) => new { key, value = new { intValue = value.ToString() } };

    static object Export(params object[] spans) => new
    {
        resourceSpans = new[]
        {
            new
            {
                resource = new { attributes = new[] { Attr("service.name", "json-app") } },
                scopeSpans = new[] { new { scope = new { name = "langfuse-sdk", version = "4.0.0" }, spans } },
            },
        },
    };

    async Task<(int Status, string Body)> Post(byte[] body, string contentType, string? encoding = null, string? auth = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.ByteArray(body).ToUrl("/api/public/otel/v1/traces");
            s.WithRequestHeader("Content-Type", contentType);
            if (encoding is not null) s.WithRequestHeader("Content-Encoding", encoding);
            s.WithRequestHeader("Authorization", auth ?? _project.BasicAuth);
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, await result.ReadAsTextAsync());
    }

    static byte[] Json(object o) => JsonSerializer.SerializeToUtf8Bytes(o);

    [Fact]
    public async Task Json_and_gzip_exports_are_accepted_and_spans_arriving_before_their_parent_assemble()
    {
        var traceId = Hex(16);
        var rootId = Hex(8);
        var childId = Hex(8);
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        // The child comes first, gzip-compressed, in its own export.
        var child = Json(Export(Span(traceId, childId, rootId, "child-generation", start.AddMilliseconds(100),
            Attr("langfuse.observation.type", "generation"), Attr("langfuse.observation.model.name", "gpt-4o-mini"),
            Attr("langfuse.observation.usage_details", "{\"input\":150,\"output\":75}"), Attr("langfuse.observation.input", "[{\"role\":\"user\",\"content\":\"hi\"}]"),
            Attr("langfuse.observation.metadata.key1", "\"value1\""), Attr("langfuse.observation.level", "WARN"))));
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(child);
        var (childStatus, childBody) = await Post(gz.ToArray(), "application/json", "gzip");
        childStatus.ShouldBe(200);
        childBody.ShouldBe("{}");

        var (rootStatus, _) = await Post(Json(Export(Span(traceId, rootId, null, "root", start,
            Attr("langfuse.trace.name", "json-trace"), Attr("user.id", "json-user"), Attr("langfuse.environment", "Production")))), "application/json; charset=utf-8");
        rootStatus.ShouldBe(200);

        var trace = await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(2) && t.GetProperty("name").ValueKind == JsonValueKind.String);
        trace.GetProperty("name").GetString().ShouldBe("json-trace");
        trace.GetProperty("userId").GetString().ShouldBe("json-user");
        trace.GetProperty("environment").GetString().ShouldBe("production");
        var generation = trace.Observation(childId);
        generation.GetProperty("type").GetString().ShouldBe("GENERATION");
        generation.GetProperty("parentObservationId").GetString().ShouldBe(rootId);
        generation.GetProperty("level").GetString().ShouldBe("WARNING");
        generation.GetProperty("usageDetails").GetProperty("total").GetInt64().ShouldBe(225);
        generation.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
        generation.GetProperty("input")[0].GetProperty("content").GetString().ShouldBe("hi");
        generation.GetProperty("metadata").GetProperty("key1").GetString().ShouldBe("value1");
        generation.GetProperty("metadata").TryGetProperty("attributes", out _).ShouldBeFalse(); // langfuse-sdk scope
    }

    [Fact]
    public async Task Re_sending_the_same_export_stores_the_same_observations_once()
    {
        var traceId = Hex(16);
        var export = Json(Export(Span(traceId, Hex(8), null, "once", DateTimeOffset.UtcNow, IntAttr("gen_ai.usage.input_tokens", 3))));
        (await Post(export, "application/json")).Status.ShouldBe(200);
        (await Post(export, "application/json")).Status.ShouldBe(200);
        var trace = await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(1));
        trace.GetProperty("observations").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_span_whose_values_cannot_be_stored_is_refused_alone_as_a_partial_success()
    {
        var traceId = Hex(16);
        var good = Hex(8);
        var bad = Hex(8);
        var start = DateTimeOffset.UtcNow;
        // OTLP/JSON spells non-finite doubles as strings; a cost of Infinity could never be written to a row.
        var export = Json(Export(
            Span(traceId, good, null, "stored", start),
            Span(traceId, bad, good, "refused", start, new { key = "gen_ai.usage.cost", value = new { doubleValue = "Infinity" } })));
        var (status, text) = await Post(export, "application/json");

        status.ShouldBe(200);
        using var answer = JsonDocument.Parse(text);
        answer.RootElement.GetProperty("partialSuccess").GetProperty("rejectedSpans").GetInt64().ShouldBe(1);
        answer.RootElement.GetProperty("partialSuccess").GetProperty("errorMessage").GetString()!.ShouldContain(bad);
        var trace = await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(1));
        trace.GetProperty("observations")[0].GetProperty("id").GetString().ShouldBe(good);
    }

    [Theory]
    [InlineData("{\"resourceSpans\": [", "application/json", "Failed to parse")]
    [InlineData("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"name\": \"no ids\"}]}]}]}", "application/json", "traceId")]
    [InlineData("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"traceId\": \"ab\", \"spanId\": \"cd\", \"attributes\": {\"k\": 1}}]}]}]}", "application/json", "attributes must be an array")]
    [InlineData("not protobuf at all \u0001\u0002\u0003", "application/x-protobuf", "protobuf")]
    [InlineData("{}", "text/plain", "Invalid content type")]
    public async Task Malformed_exports_are_400_and_store_nothing(string body, string contentType, string expected)
    {
        var (status, text) = await Post(Encoding.UTF8.GetBytes(body), contentType);
        status.ShouldBe(400);
        text.ShouldContain(expected);
    }

    [Fact]
    public async Task Empty_exports_metrics_oversize_bodies_and_bad_auth_get_the_OTLP_answers()
    {
        (await Post(Json(new { resourceSpans = Array.Empty<object>() }), "application/json")).ShouldBe((200, "{}"));
        var metrics = await app.Host.Scenario(s =>
        {
            s.Post.Json(new { resourceMetrics = Array.Empty<object>() }).ToUrl("/api/public/otel/v1/metrics");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.StatusCodeShouldBe(200);
        });
        (await Post(new byte[33 * 1024 * 1024], "application/x-protobuf")).Status.ShouldBe(413);
        (await Post(Json(new { resourceSpans = Array.Empty<object>() }), "application/json", auth: "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("pk-lf-x:sk-lf-y")))).Status.ShouldBe(401);
        var header = await app.Host.Scenario(s =>
        {
            s.Post.ByteArray(Json(new { resourceSpans = Array.Empty<object>() })).ToUrl("/api/public/otel/v1/traces");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("x-langfuse-ingestion-version", "5");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.StatusCodeShouldBe(400);
        });
    }
}
