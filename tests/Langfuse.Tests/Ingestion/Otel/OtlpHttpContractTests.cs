using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Ingestion.Otel;

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
