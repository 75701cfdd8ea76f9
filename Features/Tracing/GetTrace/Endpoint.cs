using FastEndpoints;
using Langfuse.Features.Tracing.Pricing;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.GetTrace;

/// <summary>GET /api/public/traces/{traceId}: the trace with its observations and scores, latency and total cost.</summary>
sealed class Endpoint(TracingReads reads) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/traces/{traceId}");
        Description(d => d.WithTags("Traces"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var traceId = HttpContext.Decoded("traceId");
        var traceTask = reads.TraceAsync(project, traceId, ct);
        var observationsTask = reads.ObservationsOfTraceAsync(project, traceId, ct);
        var scoresTask = reads.ScoresOfTraceAsync(project, traceId, ct);
        var trace = await traceTask;
        if (trace is null)
        {
            await PublicApiErrors.WriteAsync(HttpContext, 404, $"Trace {traceId} not found within authorized project", "LangfuseNotFoundError");
            return;
        }
        await HttpContext.Response.WriteAsJsonAsync(ApiViews.TraceWithDetails(trace, await observationsTask, await scoresTask, await reads.ModelLookupAsync(project, ct)), ct);
    }
}
