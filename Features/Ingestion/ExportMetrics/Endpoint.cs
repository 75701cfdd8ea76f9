using FastEndpoints;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Ingestion.ExportMetrics;

/// <summary>POST /api/public/otel/v1/metrics: accepted and ignored, as in Langfuse, so exporters configured for both do not fail.</summary>
sealed class Endpoint : Endpoint<Request, ExportTraces.OtlpExportResponse>
{
    public override void Configure()
    {
        Post("/api/public/otel/v1/metrics");
        RequestBinder(new Request.Binder());
        Description(d => d.WithTags("Opentelemetry").Accepts<OtlpMetricsExport>("application/json", "application/x-protobuf", "*/*"));
    }

    public override Task HandleAsync(Request r, CancellationToken ct) => Send.OkAsync(new ExportTraces.OtlpExportResponse(null), ct);
}

/// <summary>An OTLP metrics export, in either encoding: read to its end (up to the traces' limit) and not kept.</summary>
public sealed record Request(long ReceivedBytes)
{
    public sealed class Binder : IRequestBinder<Request>
    {
        public async ValueTask<Request> BindAsync(BinderContext ctx, CancellationToken ct) =>
            new((await BodyReader.ReadBytesAsync(ctx.HttpContext, ExportTraces.ExportTracesRequest.MaxBodyBytes, ct)).Bytes?.LongLength ?? 0);
    }
}

/// <summary>OTLP's ExportMetricsServiceRequest, for the API page: its resource metrics are accepted unread.</summary>
public sealed record OtlpMetricsExport(IReadOnlyList<System.Text.Json.JsonElement> ResourceMetrics);
