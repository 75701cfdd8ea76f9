using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ListObservations;

/// <summary>GET /api/public/observations: filtered and paged, newest first.</summary>
sealed class Endpoint(LatestRows latestRows, TracingReads reads) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/public/observations");
        Description(d => d.WithTags("Observations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var conditions = new Conditions().Where("name", r.Name).Where("type", r.Type).Where("trace_id", r.TraceId).Where("level", r.Level)
            .Where("parent_observation_id", r.ParentObservationId).Where("version", r.Version).WhereAny("environment", r.Environment)
            .Between("start_time", r.FromStartTime, r.ToStartTime).OfTrace("trace_id", project, trace => trace.Where("user_id", r.UserId));
        if (r.Filter is { Length: > 0 } json) conditions.Add(JsonFilter.Parse(json, JsonFilterSchema.Observations(project)));
        var (rows, total) = await latestRows.PagedAsync<ObservationRow>(EntityTable.Observations, project, conditions.Build(), Sql.Trusted("start_time DESC, id DESC"),
            r.Page, r.Limit, ct, newestFirst: "start_time");
        var models = await reads.ModelLookupAsync(project, ct);
        await Send.OkAsync(new Response(rows.Select(o => ApiViews.Observation(o, models)).ToList(), PageMeta.Of(r.Page, r.Limit, (long)total)), ct);
    }
}

public sealed record Request : PageRequest
{
    [QueryParam] public string? Name { get; init; }
    [QueryParam] public string? UserId { get; init; }
    [QueryParam] public string? Type { get; init; }
    [QueryParam] public string? TraceId { get; init; }
    [QueryParam] public string? Level { get; init; }
    [QueryParam] public string? ParentObservationId { get; init; }
    /// <summary>Observations of any of these environments.</summary>
    [QueryParam] public List<string>? Environment { get; init; }
    [QueryParam] public DateTimeOffset? FromStartTime { get; init; }
    [QueryParam] public DateTimeOffset? ToStartTime { get; init; }
    [QueryParam] public string? Version { get; init; }
    /// <summary>Langfuse's filter JSON.</summary>
    [QueryParam] public string? Filter { get; init; }

    public static readonly string[] Types = ["SPAN", "GENERATION", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"];
    public static readonly string[] Levels = ["DEBUG", "DEFAULT", "WARNING", "ERROR"];

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPagingRules();
            RuleFor(r => r.Type).Must(t => t is null || Types.Contains(t)).WithMessage($"type: one of {string.Join(", ", Types)}");
            RuleFor(r => r.Level).Must(l => l is null || Levels.Contains(l)).WithMessage($"level: one of {string.Join(", ", Levels)}");
        }
    }
}

public sealed record Response(IReadOnlyList<PublicObservation> Data, PageMeta Meta);
