using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.BrowseObservations;

/// <summary>
/// GET /api/app/projects/{projectId}/observations: the observations table (VIEWER and above), generations unless
/// another type (or ALL) is asked for, newest first, with model, latency, time to first token, tokens and cost; on the
/// public list's paged reads and views; `meta.hasMore` instead of a total.
/// </summary>
sealed class Endpoint(Access access, LatestRows latestRows, TracingReads reads) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("projects/{projectId}/observations");
        Group<WebApp>();
        Description(d => d.WithTags("Observations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct)).Project.Id;
        var conditions = new Conditions(new QueryCollection());
        if (r.Type != "ALL") conditions.Add(Sql.Of($"type = {r.Type}"));
        if (r.Model is { Length: > 0 } model) conditions.Add(Sql.Of($"provided_model_name = {model}"));
        if (r.Name is { Length: > 0 } name) conditions.Add(Sql.Of($"name = {name}"));
        if (r.Level is { Length: > 0 } level) conditions.Add(Sql.Of($"level = {level}"));
        // No total: counting the latest version of millions of observations costs ~2 s on a million-trace project, more
        // than the page itself; one row past the page says whether there is a next one.
        var rows = await latestRows.PageAsync<ObservationRow>(EntityTable.Observations, project, conditions.Build(),
            Sql.Trusted("start_time DESC, id DESC"), (long)(r.Page - 1) * r.Limit, r.Limit + 1, ct, newestFirst: "start_time");
        var models = await reads.ModelLookupAsync(project, ct);
        await Send.OkAsync(new Response(rows.Take(r.Limit).Select(o => ApiViews.Observation(o, models).As<ObservationItem>()).ToList(),
            new PageInfo(r.Page, r.Limit, rows.Count > r.Limit)), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    [QueryParam] public int Page { get; init; } = 1;
    [QueryParam] public int Limit { get; init; } = 50;
    [QueryParam] public string Type { get; init; } = "GENERATION";
    [QueryParam] public string? Model { get; init; }
    [QueryParam] public string? Name { get; init; }
    [QueryParam] public string? Level { get; init; }

    public sealed class Validator : Validator<Request>
    {
        static readonly string[] Types = ["ALL", "SPAN", "GENERATION", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"];

        public Validator()
        {
            RuleFor(r => r.Page).InclusiveBetween(1, 100_000);
            RuleFor(r => r.Limit).InclusiveBetween(1, 100);
            RuleFor(r => r.Type).Must(Types.Contains).WithMessage("type must be one of " + string.Join(", ", Types));
            RuleFor(r => r.Level).Must(l => l is null or "" or "DEBUG" or "DEFAULT" or "WARNING" or "ERROR").WithMessage("level must be DEBUG, DEFAULT, WARNING or ERROR");
            RuleFor(r => r.Model).MaximumLength(200);
            RuleFor(r => r.Name).MaximumLength(1000);
        }
    }
}

public sealed record ObservationItem(string Id, string TraceId, string Type, string? Name, DateTimeOffset StartTime, string? Model, string Level,
    double? Latency, double? TimeToFirstToken, Dictionary<string, double>? UsageDetails, double? CalculatedTotalCost);
public sealed record PageInfo(int Page, int Limit, bool HasMore);
public sealed record Response(IReadOnlyList<ObservationItem> Data, PageInfo Meta);
