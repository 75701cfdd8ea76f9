using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.ListTraces;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ViewSession;

/// <summary>
/// GET /api/app/projects/{projectId}/sessions/{sessionId}: the session's traces in time order with their input and
/// output (the session page shows them as one conversation), VIEWER and above.
/// </summary>
sealed class Endpoint(Access access, TraceListReads reads) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("projects/{projectId}/sessions/{sessionId}");
        Group<WebApp>();
        Description(d => d.WithTags("Sessions").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct)).Project.Id;
        var traces = await reads.SessionTracesAsync(project, r.SessionId, ct);
        if (traces.Count == 0) throw new ApiProblem(404, $"Session {r.SessionId} not found");
        var (observations, _) = await reads.ChildrenAsync(project, traces.Select(t => t.Id).ToList(), ct);
        await Send.OkAsync(new Response(r.SessionId, traces.Select(t =>
        {
            var view = ApiViews.Trace(t).As<SessionTrace>();
            return view with { TotalCost = observations[t.Id].Sum(o => o.TotalCost ?? 0) };
        }).ToList()), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string SessionId { get; init; } = "";
}

public sealed record SessionTrace(string Id, DateTimeOffset Timestamp, string? Name, string? UserId, System.Text.Json.Nodes.JsonNode? Input,
    System.Text.Json.Nodes.JsonNode? Output, string[] Tags, double TotalCost);
public sealed record Response(string Id, IReadOnlyList<SessionTrace> Traces);
