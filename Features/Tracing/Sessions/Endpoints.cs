using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.ListTraces;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.Sessions;

/// <summary>GET /api/public/sessions: sessions (the traces' session ids), newest first, paged, optionally by creation time.</summary>
sealed class ListSessions(TraceListReads reads) : Endpoint<ListSessionsRequest, ListSessionsResponse>
{
    public override void Configure()
    {
        Get("/api/public/sessions");
        Description(d => d.WithTags("Sessions"));
    }

    public override async Task HandleAsync(ListSessionsRequest r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var (rows, total) = await reads.SessionsAsync(project, r.Page, r.Limit, r.FromTimestamp, r.ToTimestamp, r.Environment ?? [], ct);
        await Send.OkAsync(new ListSessionsResponse(rows.Select(s => new PublicSession(s.Id, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt), project, s.Environment)).ToList(),
            PageMeta.Of(r.Page, r.Limit, (long)total)), ct);
    }
}

public sealed record ListSessionsRequest : PageRequest
{
    [QueryParam] public DateTimeOffset? FromTimestamp { get; init; }
    [QueryParam] public DateTimeOffset? ToTimestamp { get; init; }
    [QueryParam] public List<string>? Environment { get; init; }

    public sealed class Validator : Validator<ListSessionsRequest>
    {
        public Validator() => this.AddPagingRules();
    }
}

/// <summary>Langfuse's Session.</summary>
public record PublicSession(string Id, DateTimeOffset CreatedAt, string ProjectId, string Environment);

public sealed record ListSessionsResponse(IReadOnlyList<PublicSession> Data, PageMeta Meta);

/// <summary>GET /api/public/sessions/{sessionId}: the session with its traces.</summary>
sealed class GetSession(TraceListReads reads) : Endpoint<GetSessionRequest, PublicSessionWithTraces>
{
    public override void Configure()
    {
        Get("/api/public/sessions/{sessionId}");
        Description(d => d.WithTags("Sessions").Produces(404));
    }

    public override async Task HandleAsync(GetSessionRequest r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var id = HttpContext.Decoded("sessionId");
        var traces = await reads.SessionTracesAsync(project, id, ct);
        if (traces.Count == 0) throw new ApiProblem(404, $"Session {id} not found within authorized project");
        await Send.OkAsync(new PublicSessionWithTraces(new PublicSession(id, DateTimeOffset.FromUnixTimeMilliseconds(traces.Min(t => t.Timestamp)), project, traces[0].Environment),
            traces.Select(ApiViews.Trace).ToList()), ct);
    }
}

public sealed record GetSessionRequest
{
    public string SessionId { get; init; } = "";

    public sealed class Validator : Validator<GetSessionRequest>
    {
        public Validator() => RuleFor(r => r.SessionId).NotEmpty();
    }
}

/// <summary>Langfuse's SessionWithTraces.</summary>
public sealed record PublicSessionWithTraces : PublicSession
{
    public PublicSessionWithTraces(PublicSession session, IReadOnlyList<PublicTrace> traces) : base(session) => Traces = traces;
    public IReadOnlyList<PublicTrace> Traces { get; init; }
}
