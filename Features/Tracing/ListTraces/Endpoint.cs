using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.GetTrace;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ListTraces;

/// <summary>GET /api/public/traces: filtered, ordered, paged; items carry their observation and score ids, latency and cost.</summary>
sealed class Endpoint(TraceListReads reads) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/public/traces");
        Description(d => d.WithTags("Trace"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var filter = TraceFilter.Of(r, project);
        var wants = TraceFields.Parse(r.Fields);
        var (rows, total) = await reads.ListAsync(project, filter, ct);
        var childrenNeeded = wants("observations") || wants("scores") || wants("metrics");
        var (observations, scores) = await reads.ChildrenAsync(project, childrenNeeded ? rows.Select(row => row.Id).ToList() : [], ct);
        var data = rows.Select(row =>
        {
            var children = observations[row.Id].ToList();
            var trace = ApiViews.Trace(row);
            if (!wants("io")) trace = trace with { Input = null, Output = null, Metadata = [] };
            return new PublicTraceListItem(trace, ApiViews.HtmlPath(row), !wants("metrics") ? -1 : children.Count == 0 ? 0 : (children.Max(c => c.EndTime ?? c.StartTime) - children.Min(c => c.StartTime)) / 1000.0,
                wants("metrics") ? children.Sum(c => c.TotalCost ?? 0) : -1, wants("observations") ? children.Select(c => c.Id).ToList() : [],
                wants("scores") ? scores[row.Id].ToList() : []);
        }).ToList();
        await Send.OkAsync(new Response(data, PageMeta.Of(filter.Page, filter.Limit, (long)total)), ct);
    }
}

/// <summary>Langfuse's trace list parameters; `filter` (Langfuse's filter JSON) takes precedence over the single-field filters.</summary>
public sealed record Request : PageRequest
{
    [QueryParam] public string? UserId { get; init; }
    [QueryParam] public string? Name { get; init; }
    [QueryParam] public string? SessionId { get; init; }
    [QueryParam] public DateTimeOffset? FromTimestamp { get; init; }
    [QueryParam] public DateTimeOffset? ToTimestamp { get; init; }
    /// <summary>&lt;field&gt;.&lt;asc|desc&gt;, field one of id, timestamp, name, userId, release, version, public, bookmarked, sessionId.</summary>
    [QueryParam] public string? OrderBy { get; init; }
    /// <summary>Traces holding all these tags.</summary>
    [QueryParam] public List<string>? Tags { get; init; }
    [QueryParam] public string? Version { get; init; }
    [QueryParam] public string? Release { get; init; }
    /// <summary>Traces of any of these environments.</summary>
    [QueryParam] public List<string>? Environment { get; init; }
    /// <summary>Comma-separated groups: core, io, scores, observations, metrics.</summary>
    [QueryParam] public string? Fields { get; init; }
    [QueryParam] public string? Filter { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPagingRules();
            RuleFor(r => r.OrderBy).Must(o => TraceFilter.IsOrderBy(o!)).When(r => !string.IsNullOrEmpty(r.OrderBy))
                .WithMessage($"orderBy: expected <field>.<asc|desc> with field one of {string.Join(", ", TraceFilter.OrderFields)}");
        }
    }
}

public sealed record Response(IReadOnlyList<PublicTraceListItem> Data, PageMeta Meta);
