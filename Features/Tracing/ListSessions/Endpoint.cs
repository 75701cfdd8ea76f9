using FastEndpoints;
using Langfuse.Features.Tracing.ListTraces;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ListSessions;

/// <summary>GET /api/public/sessions: sessions (the traces' session ids), newest first, paged, optionally by creation time.</summary>
sealed class Endpoint(TraceListReads reads) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/public/sessions");
        Description(d => d.WithTags("Sessions"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var (rows, total) = await reads.SessionsAsync(project, r.Page, r.Limit, r.FromTimestamp, r.ToTimestamp, r.Environment ?? [], ct);
        await Send.OkAsync(new Response(rows.Select(s => new PublicSession(s.Id, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt), project, s.Environment)).ToList(),
            PageMeta.Of(r.Page, r.Limit, (long)total)), ct);
    }
}

public sealed record Request : PageRequest
{
    [QueryParam] public DateTimeOffset? FromTimestamp { get; init; }
    [QueryParam] public DateTimeOffset? ToTimestamp { get; init; }
    [QueryParam] public List<string>? Environment { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPagingRules();
    }
}

/// <summary>Langfuse's Session.</summary>
public record PublicSession(string Id, DateTimeOffset CreatedAt, string ProjectId, string Environment);

public sealed record Response(IReadOnlyList<PublicSession> Data, PageMeta Meta);
