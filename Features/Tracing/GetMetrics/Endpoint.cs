using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.Tracing.GetMetrics;

/// <summary>GET /api/public/v2/metrics?query={…}: observations and scores views.</summary>
sealed class Endpoint(Metrics.MetricsQuery metrics) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/public/v2/metrics");
        Description(d => d.WithTags("Metrics"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.OkAsync(new Response(await metrics.RunAsync(HttpContext.Project().ProjectId, r.Query, legacy: false, ct)), ct);
}

public sealed record Request
{
    /// <summary>The query as JSON: view, dimensions, metrics, filters, timeDimension, fromTimestamp, toTimestamp, orderBy, config.</summary>
    [QueryParam] public string Query { get; init; } = "";
}

/// <summary>One object per result row: the dimensions by field name, the metrics as {aggregation}_{measure}, time_dimension.</summary>
public sealed record Response(IReadOnlyList<JsonObject> Data);
