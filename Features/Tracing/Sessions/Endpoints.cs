using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Tracing.ListTraces;
using Langfuse.Features.Tracing.Processing;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.Sessions;

/// <summary>GET /api/public/sessions: sessions (the traces' session ids), newest first, paged, optionally by creation time.</summary>
sealed class ListSessions(TraceListReads reads) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/sessions");
        Description(d => d.WithTags("Sessions"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var filter = TraceFilter.Parse(HttpContext.Request.Query, project);
        var (rows, total) = await reads.SessionsAsync(project, filter.Page, filter.Limit, filter.From, filter.To, filter.Environments, ct);
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject
        {
            ["data"] = new JsonArray(rows.Select(r => (JsonNode?)new JsonObject
            {
                ["id"] = r.Id, ["createdAt"] = Values.IsoMs(r.CreatedAt), ["projectId"] = project, ["environment"] = r.Environment,
            }).ToArray()),
            ["meta"] = new JsonObject { ["page"] = filter.Page, ["limit"] = filter.Limit, ["totalItems"] = total, ["totalPages"] = (long)Math.Ceiling(total / (double)filter.Limit) },
        }, ct);
    });
}

/// <summary>GET /api/public/sessions/{sessionId}: the session with its traces.</summary>
sealed class GetSession(TraceListReads reads) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/sessions/{sessionId}");
        Description(d => d.WithTags("Sessions"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var id = HttpContext.Decoded("sessionId");
        var traces = await reads.SessionTracesAsync(project, id, ct);
        if (traces.Count == 0) throw new ApiProblem(404, $"Session {id} not found within authorized project");
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject
        {
            ["id"] = id, ["createdAt"] = Values.IsoMs(traces.Min(t => t.Timestamp)), ["projectId"] = project, ["environment"] = traces[0].Environment,
            ["traces"] = new JsonArray(traces.Select(t => (JsonNode?)ApiViews.Trace(t)).ToArray()),
        }, ct);
    });
}
