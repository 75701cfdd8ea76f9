using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.GetTrace;

/// <summary>GET /api/public/traces/{traceId}: the trace with its observations (usage, cost, prices) and scores, latency and cost.</summary>
sealed class Endpoint(TracingReads reads) : Endpoint<Request, PublicTraceWithDetails>
{
    public override void Configure()
    {
        Get("/api/public/traces/{traceId}");
        Description(d => d.WithTags("Trace").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var traceId = HttpContext.Decoded("traceId");
        var wants = TraceFields.Parse(r.Fields);
        // Whether the trace exists first (key columns only), then its row and its children side by side: SDKs and
        // dashboards poll for traces not yet written, and a 404 that read the row, or observations and scores too,
        // multiplied the cost of every poll (measured: the probes' polls were ClickHouse's largest load during
        // ingestion). A found trace waits one lookup (~5 ms) longer.
        if (!await reads.TraceStoredAsync(project, traceId, ct)) throw NotFound(traceId);
        var traceTask = reads.TraceAsync(project, traceId, ct);
        var observationsTask = wants("observations") || wants("metrics") ? reads.ObservationsOfTraceAsync(project, traceId, ct) : Task.FromResult(new List<ObservationRow>());
        var scoresTask = wants("scores") ? reads.ScoresOfTraceAsync(project, traceId, ct) : Task.FromResult(new List<ScoreRow>());
        // All three awaited before answering, a deleted trace's 404 too: no read is left running unobserved.
        await Task.WhenAll(traceTask, observationsTask, scoresTask);
        var trace = traceTask.Result ?? throw NotFound(traceId); // stored, but deleted
        var view = ApiViews.TraceWithDetails(trace, observationsTask.Result, scoresTask.Result, await reads.ModelLookupAsync(project, ct));
        if (!wants("io")) view = view with { Input = null, Output = null, Metadata = [] };
        if (!wants("observations")) view = view with { Observations = [] };
        if (!wants("metrics")) view = view with { Latency = -1, TotalCost = -1 };
        await Send.OkAsync(view, ct);
    }

    static ApiProblem NotFound(string traceId) => new(404, $"Trace {traceId} not found within authorized project");
}

public sealed record Request
{
    public string TraceId { get; init; } = "";
    /// <summary>Comma-separated groups: core, io, scores, observations, metrics (none known: all).</summary>
    [QueryParam] public string? Fields { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.TraceId).NotEmpty();
    }
}

/// <summary>Langfuse's `fields` of the trace reads: core, io, scores, observations, metrics; unknown names are ignored and none known means all.</summary>
public static class TraceFields
{
    public static Func<string, bool> Parse(string? fields)
    {
        var requested = (fields ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(f => f is "core" or "io" or "scores" or "observations" or "metrics").ToHashSet();
        return group => requested.Count == 0 || requested.Contains(group);
    }
}
