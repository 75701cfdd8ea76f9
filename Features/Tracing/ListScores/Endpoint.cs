using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ListScores;

/// <summary>GET /api/public/v2/scores: scores with Langfuse's filters, each with its trace's user, tags, environment and session.</summary>
sealed class Endpoint(LatestRows latestRows) : Endpoint<Request, Response>
{
    static readonly Dictionary<string, string> Operators = new() { ["<"] = "<", [">"] = ">", ["<="] = "<=", [">="] = ">=", ["!="] = "!=", ["="] = "=" };

    public override void Configure()
    {
        Get("/api/public/v2/scores");
        Description(d => d.WithTags("Scores"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var withTrace = r.WithTrace;
        var conditions = new Conditions().Where("name", r.Name).Where("source", r.Source).Where("data_type", r.DataType).Where("config_id", r.ConfigId)
            .Where("queue_id", r.QueueId).Where("session_id", r.SessionId).Where("dataset_run_id", r.DatasetRunId).Where("trace_id", r.TraceId)
            .WhereAny("environment", r.Environment).Between("timestamp", r.FromTimestamp, r.ToTimestamp);
        foreach (var (csv, column) in new[] { (r.ScoreIds, "id"), (r.ObservationId, "observation_id") })
            if (csv is not null)
                conditions.Add(Sql.Of($"has({csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)}, ifNull({Sql.Trusted(column)}, ''))"));
        if (r.Value is { } value) conditions.Add(Sql.Of($"value {Sql.Trusted(Operators[r.Operator ?? "="])} {value}"));
        conditions.OfTrace("ifNull(trace_id, '')", project, trace => trace.Where("user_id", r.UserId).WhereAll("tags", r.TraceTags));
        if (r.Filter is { Length: > 0 } json) conditions.Add(JsonFilter.Parse(json, JsonFilterSchema.Scores(project)));

        var (rows, total) = await latestRows.PagedAsync<ScoreRow>(EntityTable.Scores, project, conditions.Build(), Sql.Trusted("timestamp DESC, id DESC"),
            r.Page, r.Limit, ct, newestFirst: "timestamp");
        var traces = !withTrace ? [] : (await latestRows.ByIdAsync<TraceRow>(EntityTable.Traces, project, rows.Where(s => s.TraceId is not null).Select(s => ("", s.TraceId!)), ct))
            .Where(t => t.IsDeleted == 0).ToDictionary(t => t.Id);
        var data = rows.Select(s => new PublicScoreWithTrace(ApiViews.Score(s),
            s.TraceId is not null && traces.TryGetValue(s.TraceId, out var t) ? new ScoreTrace(t.UserId, t.Tags, t.Environment, t.SessionId) : null)).ToList();
        await Send.OkAsync(new Response(data, PageMeta.Of(r.Page, r.Limit, (long)total)), ct);
    }
}

public sealed record Request : PageRequest
{
    [QueryParam] public string? UserId { get; init; }
    [QueryParam] public string? Name { get; init; }
    [QueryParam] public DateTimeOffset? FromTimestamp { get; init; }
    [QueryParam] public DateTimeOffset? ToTimestamp { get; init; }
    [QueryParam] public List<string>? Environment { get; init; }
    [QueryParam, OneOf("API", "EVAL", "ANNOTATION")] public string? Source { get; init; }
    /// <summary>How `value` compares: &lt;, &gt;, &lt;=, &gt;=, !=, = (default).</summary>
    [QueryParam] public string? Operator { get; init; }
    [QueryParam] public double? Value { get; init; }
    /// <summary>Comma-separated score ids.</summary>
    [QueryParam] public string? ScoreIds { get; init; }
    [QueryParam] public string? ConfigId { get; init; }
    [QueryParam] public string? SessionId { get; init; }
    [QueryParam] public string? DatasetRunId { get; init; }
    [QueryParam] public string? TraceId { get; init; }
    /// <summary>Comma-separated observation ids.</summary>
    [QueryParam] public string? ObservationId { get; init; }
    [QueryParam] public string? QueueId { get; init; }
    [QueryParam, OneOf("NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT", "CORRECTION")] public string? DataType { get; init; }
    /// <summary>Scores whose trace holds all these tags.</summary>
    [QueryParam] public List<string>? TraceTags { get; init; }
    /// <summary>Comma-separated groups: score, trace (both by default).</summary>
    [QueryParam] public string? Fields { get; init; }
    [QueryParam] public string? Filter { get; init; }

    /// <summary>Without the trace group: no trace object, and no filters on the trace.</summary>
    public bool WithTrace => Fields is not { Length: > 0 } f || f.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains("trace");

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.AddPagingRules();
            RuleFor(r => r.DataType).Must(t => t is null or "NUMERIC" or "CATEGORICAL" or "BOOLEAN" or "TEXT" or "CORRECTION")
                .WithMessage("dataType: one of NUMERIC, CATEGORICAL, BOOLEAN, TEXT, CORRECTION");
            RuleFor(r => r.Source).Must(s => s is null or "API" or "EVAL" or "ANNOTATION").WithMessage("source: one of API, EVAL, ANNOTATION");
            RuleFor(r => r.Operator).Must(o => o is null or "<" or ">" or "<=" or ">=" or "!=" or "=").WithMessage("operator: one of <, >, <=, >=, !=, =");
            RuleFor(r => r.Value).Must(v => double.IsFinite(v!.Value)).When(r => r.Value is not null).WithMessage("value: must be a finite number");
            RuleFor(r => r).Must(r => r.WithTrace || (r.UserId is null && r.TraceTags is not { Count: > 0 })).OverridePropertyName("fields")
                .WithMessage("userId and traceTags filter on the scores' traces: include trace in fields");
        }
    }
}

/// <summary>The score's trace, as the list shows it (absent when the trace is not asked for or not found).</summary>
public sealed record ScoreTrace(string? UserId, IReadOnlyList<string> Tags, string Environment, string? SessionId);

public sealed record PublicScoreWithTrace : PublicScore
{
    public PublicScoreWithTrace(PublicScore score, ScoreTrace? trace) : base(score) => Trace = trace;
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ScoreTrace? Trace { get; init; }
}

public sealed record Response(IReadOnlyList<PublicScoreWithTrace> Data, PageMeta Meta);
