using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.ListTraces;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.GetSession;

/// <summary>GET /api/public/sessions/{sessionId}: the session with its traces.</summary>
sealed class Endpoint(TraceListReads reads) : Endpoint<Request, PublicSessionWithTraces>
{
    public override void Configure()
    {
        Get("/api/public/sessions/{sessionId}");
        Description(d => d.WithTags("Sessions").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var id = HttpContext.Decoded("sessionId");
        var traces = await reads.SessionTracesAsync(project, id, ct);
        if (traces.Count == 0) throw new ApiProblem(404, $"Session {id} not found within authorized project");
        await Send.OkAsync(new PublicSessionWithTraces(new ListSessions.PublicSession(id, DateTimeOffset.FromUnixTimeMilliseconds(traces.Min(t => t.Timestamp)), project, traces[0].Environment),
            traces.Select(ApiViews.Trace).ToList()), ct);
    }
}

public sealed record Request
{
    public string SessionId { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.SessionId).NotEmpty();
    }
}

/// <summary>Langfuse's SessionWithTraces.</summary>
public sealed record PublicSessionWithTraces : ListSessions.PublicSession
{
    public PublicSessionWithTraces(ListSessions.PublicSession session, IReadOnlyList<PublicTrace> traces) : base(session) => Traces = traces;
    public IReadOnlyList<PublicTrace> Traces { get; init; }
}
