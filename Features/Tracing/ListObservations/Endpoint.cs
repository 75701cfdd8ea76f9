using System.Globalization;
using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ListObservations;

/// <summary>GET /api/public/observations: filtered and paged, newest first.</summary>
sealed class Endpoint(LatestRows latestRows, TracingReads reads) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/observations");
        Description(d => d.WithTags("Observations"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var q = HttpContext.Request.Query;
        var (page, limit) = QueryParameters.Paging(q);
        QueryParameters.OneOf(q, "type", ["SPAN", "GENERATION", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"]);
        QueryParameters.OneOf(q, "level", ["DEBUG", "DEFAULT", "WARNING", "ERROR"]);
        var conditions = new Conditions(q).Eq("name", "name").Eq("type", "type").Eq("traceId", "trace_id").Eq("level", "level")
            .Eq("parentObservationId", "parent_observation_id").Eq("version", "version").AnyOf("environment", "environment")
            .Range("fromStartTime", "toStartTime", "start_time").OfTrace("trace_id", project, trace => trace.Eq("userId", "user_id"));
        ListQuery.AddJsonFilter(q, conditions, JsonFilterSchema.Observations(project));
        var where = conditions.Build();
        var (rows, total) = await latestRows.PagedAsync<ObservationRow>(EntityTable.Observations, project, where, Sql.Trusted("start_time DESC, id DESC"), page, limit, ct, newestFirst: "start_time");
        var models = await reads.ModelLookupAsync(project, ct);
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject
        {
            ["data"] = new JsonArray(rows.Select(o => (JsonNode?)ApiViews.Observation(o, models)).ToArray()),
            ["meta"] = QueryParameters.PageMeta(page, limit, (long)total),
        }, ct);
    });
}
