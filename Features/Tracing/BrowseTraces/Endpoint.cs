using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.ListTraces;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.BrowseTraces;

/// <summary>
/// GET /api/app/projects/{projectId}/traces: the web app's traces table (VIEWER and above), on the public list's reads:
/// newest first, a search over id, name, user and session, and `fromTimestamp` for the live tail.
/// </summary>
sealed class Endpoint(Access access, TraceListReads reads) : Endpoint<Request, Response>
{
    /// <summary>Sort fields that are figures of a trace's observations (the filter's aggregate columns of the same name).</summary>
    internal static readonly Dictionary<string, string> FigureColumns = new() { ["latency"] = "latency", ["totalCost"] = "totalCost", ["totalTokens"] = "totalTokens" };

    public override void Configure()
    {
        Get("projects/{projectId}/traces");
        Group<WebApp>();
        Description(d => d.WithTags("Traces"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var grant = await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct);
        var project = grant.Project.Id;
        var order = (r.OrderBy ?? "timestamp.desc").Split('.');
        var tracesFrom = r.FromTimestamp?.ToUnixTimeMilliseconds();
        var schema = JsonFilterSchema.Traces(project, tracesFrom);
        var figure = FigureColumns.GetValueOrDefault(order[0]);
        var filter = new TraceFilter(r.Page, r.Limit, r.UserId, null, r.SessionId, r.FromTimestamp, r.ToTimestamp, [], null, null,
            r.Environment is { Length: > 0 } env ? [env] : [], TraceFilter.OrderColumnOf(order[0]) ?? "timestamp", order[1] == "desc")
        {
            Search = string.IsNullOrWhiteSpace(r.Search) ? null : r.Search.Trim(),
            AlsoWhere = r.Filter is { Length: > 0 } json ? JsonFilter.Parse(json, schema) : null,
        };
        var (rows, total) = figure is null
            ? await reads.ListAsync(project, filter, ct)
            : await reads.ListByFigureAsync(project, filter, figure, tracesFrom, ct);
        var (observations, scores) = await reads.ChildrenAsync(project, rows.Select(t => t.Id).ToList(), ct);
        var items = rows.Select(t =>
        {
            var children = observations[t.Id].ToList();
            return new TraceItem(t.Id, DateTimeOffset.FromUnixTimeMilliseconds(t.Timestamp), t.Name, t.UserId, t.SessionId, t.Tags, t.Environment,
                children.Count == 0 ? 0 : (children.Max(c => c.EndTime ?? c.StartTime) - children.Min(c => c.StartTime)) / 1000.0,
                children.Sum(c => c.TotalCost ?? 0), children.Count, scores[t.Id].Count());
        }).ToList();
        await Send.OkAsync(new Response(items, new PageMeta(r.Page, r.Limit, (long)total, (long)Math.Ceiling(total / (double)r.Limit))), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    [QueryParam] public int Page { get; init; } = 1;
    [QueryParam] public int Limit { get; init; } = 50;
    [QueryParam] public string? Search { get; init; }
    [QueryParam] public string? UserId { get; init; }
    [QueryParam] public string? SessionId { get; init; }
    /// <summary>Only traces at or after this time (the live tail asks for what is new since its last look).</summary>
    [QueryParam] public DateTimeOffset? FromTimestamp { get; init; }
    [QueryParam] public DateTimeOffset? ToTimestamp { get; init; }
    [QueryParam] public string? Environment { get; init; }
    /// <summary>field.asc or field.desc; fields as the public list's orderBy.</summary>
    [QueryParam] public string? OrderBy { get; init; }
    /// <summary>Langfuse's filter JSON (a list of {column, type, operator, value, key?}): columns of the trace, tags, metadata, and latency, tokens, cost, level counts and score averages of its observations.</summary>
    [QueryParam] public string? Filter { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Page).InclusiveBetween(1, 100_000);
            RuleFor(r => r.Limit).InclusiveBetween(1, 100);
            RuleFor(r => r.Search).MaximumLength(200);
            RuleFor(r => r.OrderBy).Must(o => o is null || (o.Split('.') is [var f, "asc" or "desc"] && (TraceFilter.OrderColumnOf(f) is not null || Endpoint.FigureColumns.ContainsKey(f))))
                .WithMessage($"orderBy must be <field>.<asc|desc> with field one of {string.Join(", ", TraceFilter.OrderFields.Concat(Endpoint.FigureColumns.Keys))}");
            RuleFor(r => r.Filter).MaximumLength(20_000);
        }
    }
}

public sealed record TraceItem(string Id, DateTimeOffset Timestamp, string? Name, string? UserId, string? SessionId, string[] Tags, string Environment,
    double Latency, double TotalCost, int ObservationCount, int ScoreCount);
public sealed record PageMeta(int Page, int Limit, long TotalItems, long TotalPages);
public sealed record Response(IReadOnlyList<TraceItem> Data, PageMeta Meta);
