using FastEndpoints;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.Tracing.GetMetricsV1;

/// <summary>GET /api/public/metrics?query={…} (v1): as v2, with the traces view too.</summary>
sealed class Endpoint(Metrics.MetricsQuery metrics) : Endpoint<GetMetrics.Request, GetMetrics.Response>
{
    public override void Configure()
    {
        Get("/api/public/metrics");
        Description(d => d.WithTags("LegacyMetricsV1"));
    }

    public override async Task HandleAsync(GetMetrics.Request r, CancellationToken ct) =>
        await Send.OkAsync(new GetMetrics.Response(await metrics.RunAsync(HttpContext.Project().ProjectId, r.Query, legacy: true, ct)), ct);
}
