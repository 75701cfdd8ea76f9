using FastEndpoints;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Ingestion.ExportMetrics;

/// <summary>POST /api/public/otel/v1/metrics: accepted and ignored, as in Langfuse, so exporters configured for both do not fail.</summary>
sealed class Endpoint : EndpointWithoutRequest<ExportTraces.OtlpExportResponse>
{
    public override void Configure()
    {
        Post("/api/public/otel/v1/metrics");
        Description(d => d.WithTags("Opentelemetry"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await BodyReader.ReadBytesAsync(HttpContext, 32 * 1024 * 1024, ct);
        await Send.OkAsync(new ExportTraces.OtlpExportResponse(null), ct);
    }
}
