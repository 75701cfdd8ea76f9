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
        // fields=core,io,scores,observations,metrics (unknown names ignored; none known means all), as in Langfuse.
        var requested = (Query<string?>("fields", false) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(f => f is "core" or "io" or "scores" or "observations" or "metrics").ToHashSet();
        bool Wants(string group) => requested.Count == 0 || requested.Contains(group);
        var traceTask = reads.TraceAsync(project, traceId, ct);
        var observationsTask = Wants("observations") || Wants("metrics") ? reads.ObservationsOfTraceAsync(project, traceId, ct) : Task.FromResult(new List<ObservationRow>());
        var scoresTask = Wants("scores") ? reads.ScoresOfTraceAsync(project, traceId, ct) : Task.FromResult(new List<ScoreRow>());
        var trace = await traceTask;
        if (trace is null)
        {
            await PublicApiErrors.WriteAsync(HttpContext, 404, $"Trace {traceId} not found within authorized project", "LangfuseNotFoundError");
            return;
        }
        var view = ApiViews.TraceWithDetails(trace, await observationsTask, await scoresTask, await reads.ModelLookupAsync(project, ct));
        if (!Wants("io")) { view["input"] = null; view["output"] = null; view["metadata"] = new System.Text.Json.Nodes.JsonObject(); }
        if (!Wants("observations")) view["observations"] = new System.Text.Json.Nodes.JsonArray();
        if (!Wants("metrics")) { view["latency"] = -1; view["totalCost"] = -1; }
        await HttpContext.Response.WriteAsJsonAsync(view, ct);
    }
}
