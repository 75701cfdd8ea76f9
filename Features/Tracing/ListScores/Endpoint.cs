using System.Globalization;
using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ListScores;

/// <summary>GET /api/public/v2/scores: scores with Langfuse's filters, each with its trace's user, tags, environment and session.</summary>
sealed class Endpoint(LatestRows latestRows) : EndpointWithoutRequest
{
    static readonly Dictionary<string, string> Operators = new() { ["<"] = "<", [">"] = ">", ["<="] = "<=", [">="] = ">=", ["!="] = "!=", ["="] = "=" };

    public override void Configure()
    {
        Get("/api/public/v2/scores");
        Description(d => d.WithTags("Scores"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var q = HttpContext.Request.Query;
        var (page, limit) = QueryParameters.Paging(q);
        // Field groups score and trace (both by default): without trace, no trace object and no filters on the trace.
        var fields = q["fields"].FirstOrDefault() is { Length: > 0 } csv0 ? csv0.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet() : ["score", "trace"];
        var withTrace = fields.Contains("trace");
        QueryParameters.OneOf(q, "dataType", ["NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT", "CORRECTION"]);
        QueryParameters.OneOf(q, "source", ["API", "EVAL", "ANNOTATION"]);
        if (!withTrace && (q.ContainsKey("userId") || q.ContainsKey("traceTags")))
            throw new ApiProblem(400, "userId and traceTags filter on the scores' traces: include trace in fields");
        var conditions = new Conditions(q).Eq("name", "name").Eq("source", "source").Eq("dataType", "data_type").Eq("configId", "config_id")
            .Eq("queueId", "queue_id").Eq("sessionId", "session_id").Eq("datasetRunId", "dataset_run_id").Eq("traceId", "trace_id")
            .AnyOf("environment", "environment").Range("fromTimestamp", "toTimestamp", "timestamp");
        foreach (var (param, column) in new[] { ("scoreIds", "id"), ("observationId", "observation_id") })
            if (q[param].FirstOrDefault() is { } csv)
                conditions.Add(Sql.Of($"has({csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)}, ifNull({Sql.Trusted(column)}, ''))"));
        if (q["value"].FirstOrDefault() is { } valueText)
        {
            var op = q["operator"].FirstOrDefault() ?? "=";
            if (!Operators.TryGetValue(op, out var sqlOp)) throw new ApiProblem(400, "operator: one of <, >, <=, >=, !=, =");
            var value = QueryParameters.Number("value", valueText);
            conditions.Add(Sql.Of($"value {Sql.Trusted(sqlOp)} {value}"));
        }
        conditions.OfTrace("ifNull(trace_id, '')", project, trace => trace.Eq("userId", "user_id").HasAll("traceTags", "tags"));

        ListQuery.AddJsonFilter(q, conditions, JsonFilterSchema.Scores(project));
        var where = conditions.Build();
        var (rows, total) = await latestRows.PagedAsync<ScoreRow>(EntityTable.Scores, project, where, Sql.Trusted("timestamp DESC, id DESC"), page, limit, ct, newestFirst: "timestamp");
        var traces = !withTrace ? [] : (await latestRows.ByIdAsync<TraceRow>(EntityTable.Traces, project, rows.Where(r => r.TraceId is not null).Select(r => ("", r.TraceId!)), ct))
            .Where(t => t.IsDeleted == 0).ToDictionary(t => t.Id);
        var data = rows.Select(r =>
        {
            var view = ApiViews.Score(r);
            if (r.TraceId is not null && traces.TryGetValue(r.TraceId, out var t))
                view["trace"] = new JsonObject
                {
                    ["userId"] = t.UserId, ["tags"] = new JsonArray(t.Tags.Select(x => (JsonNode?)x).ToArray()), ["environment"] = t.Environment, ["sessionId"] = t.SessionId,
                };
            return (JsonNode?)view;
        }).ToArray();
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject { ["data"] = new JsonArray(data), ["meta"] = QueryParameters.PageMeta(page, limit, (long)total) }, ct);
    });
}
