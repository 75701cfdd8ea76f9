using FastEndpoints;
using Langfuse.Features.Tracing.Ingest;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Otel;

/// <summary>
/// POST /api/public/otel/v1/traces: OTLP/HTTP (protobuf or JSON, gzip or not). The spans are mapped to ingestion
/// events and queued through the same durable Redis path as the batch API; 200 once Redis has them.
/// </summary>
sealed class ExportTraces(RedisStreamPublisher publisher, ILogger<ExportTraces> log) : EndpointWithoutRequest
{
    const long MaxBodyBytes = 32 * 1024 * 1024;

    public override void Configure()
    {
        Post("/api/public/otel/v1/traces");
        Description(d => d.WithTags("OpenTelemetry"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var contentType = HttpContext.Request.ContentType ?? "";
        var protobuf = contentType.Contains("application/x-protobuf", StringComparison.OrdinalIgnoreCase);
        if (!protobuf && !contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await Error(400, "Invalid content type", ct);
            return;
        }
        if (HttpContext.Request.Headers["x-langfuse-ingestion-version"].FirstOrDefault() is { } version && !(int.TryParse(version, out var v) && v <= 4))
        {
            await Error(400, $"Unsupported x-langfuse-ingestion-version: {version}", ct);
            return;
        }
        var body = await BodyReader.ReadBytesAsync(HttpContext, MaxBodyBytes, ct);
        if (body.Error is not null)
        {
            await Error(body.Status, body.Error, ct);
            return;
        }

        List<OtelSpan> spans;
        try { spans = protobuf ? OtlpDecoder.FromProtobuf(body.Bytes!) : OtlpDecoder.FromJson(body.Bytes!); }
        catch (OtlpFormatException e)
        {
            await Error(400, e.Message, ct);
            return;
        }
        if (spans.Count > 0)
        {
            var events = OtelMapper.ToEvents(spans);
            try { await publisher.PublishAsync(new IngestBatch(HttpContext.Project().ProjectId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), events)); }
            catch (Exception e)
            {
                // OTLP exporters retry on 503: nothing was accepted.
                log.LogError(e, "Could not queue {Count} spans", spans.Count);
                await Error(503, "Spans could not be queued; retry", ct);
                return;
            }
        }
        HttpContext.Response.StatusCode = 200;
        if (protobuf)
        {
            // An empty ExportTraceServiceResponse (full success) is zero bytes.
            HttpContext.Response.ContentType = "application/x-protobuf";
            return;
        }
        await HttpContext.Response.WriteAsJsonAsync(new { }, ct);
    }

    Task Error(int status, string message, CancellationToken ct)
    {
        HttpContext.Response.StatusCode = status;
        return HttpContext.Response.WriteAsJsonAsync(new { error = message }, ct);
    }
}

/// <summary>POST /api/public/otel/v1/metrics: accepted and ignored, as in Langfuse, so exporters configured for both do not fail.</summary>
sealed class ExportMetrics : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/api/public/otel/v1/metrics");
        Description(d => d.WithTags("OpenTelemetry"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await BodyReader.ReadBytesAsync(HttpContext, 32 * 1024 * 1024, ct);
        await HttpContext.Response.WriteAsJsonAsync(new { }, ct);
    }
}
