using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ViewTrace;

/// <summary>
/// GET /api/app/projects/{projectId}/traces/{traceId}: one trace with its observations (tree by parentObservationId),
/// usage and cost, and scores, for the trace page (VIEWER and above). Built by the same views as the public API.
/// </summary>
sealed class Endpoint(Access access, TracingReads reads) : Endpoint<Request, TraceView>
{
    public override void Configure()
    {
        Get("projects/{projectId}/traces/{traceId}");
        Group<WebApp>();
        Description(d => d.WithTags("Traces").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var grant = await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct);
        var project = grant.Project.Id;
        var trace = await reads.TraceAsync(project, r.TraceId, ct) ?? throw new ApiProblem(404, $"Trace {r.TraceId} not found");
        var view = ApiViews.TraceWithDetails(trace, await reads.ObservationsOfTraceAsync(project, r.TraceId, ct),
            await reads.ScoresOfTraceAsync(project, r.TraceId, ct), await reads.ModelLookupAsync(project, ct));
        await Send.OkAsync(view.As<TraceView>(), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string TraceId { get; init; } = "";
}

public sealed record TraceView(string Id, DateTimeOffset Timestamp, string? Name, string? UserId, string? SessionId, string? Release, string? Version,
    string[] Tags, string Environment, JsonNode? Input, JsonNode? Output, JsonNode? Metadata, double Latency, double TotalCost,
    IReadOnlyList<ObservationView> Observations, IReadOnlyList<ScoreView> Scores);

public sealed record ObservationView(string Id, string? ParentObservationId, string Type, string? Name, DateTimeOffset StartTime, DateTimeOffset? EndTime,
    DateTimeOffset? CompletionStartTime, string? Model, JsonNode? ModelParameters, JsonNode? Input, JsonNode? Output, JsonNode? Metadata, string Level,
    string? StatusMessage, string? PromptName, int? PromptVersion, Dictionary<string, double>? UsageDetails, Dictionary<string, double>? CostDetails,
    double? CalculatedTotalCost, double? Latency, double? TimeToFirstToken);

public sealed record ScoreView(string Id, string Name, double? Value, string? StringValue, string DataType, string Source, string? Comment,
    string? ObservationId, DateTimeOffset Timestamp);
