using System.Text.Json;
using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Ingestion.Processing;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ListScoresV3;

/// <summary>GET /api/public/v3/scores: cursor-paged scores (newest first) with typed values and their subject.</summary>
sealed class Endpoint(LatestRows latestRows) : EndpointWithoutRequest
{
    static readonly HashSet<string> Groups = ["details", "subject", "annotation"];
    sealed record Cursor(long Timestamp, string Id);

    public override void Configure()
    {
        Get("/api/public/v3/scores");
        Description(d => d.WithTags("Scores"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var q = HttpContext.Request.Query;
        if (q.ContainsKey("userId") || q.ContainsKey("traceTags")) throw new ApiProblem(400, "userId and traceTags are not filters of v3 scores; use /api/public/v2/scores");
        var limit = QueryParameters.Int(q, "limit", 50, 1, 100);
        var fields = (q["fields"].FirstOrDefault() ?? "details,subject,annotation").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        if (fields.FirstOrDefault(f => !Groups.Contains(f)) is { } unknown) throw new ApiProblem(400, $"fields: unknown group '{unknown}' (one of details, subject, annotation)");
        if (new[] { "traceId", "sessionId", "experimentId" }.Count(q.ContainsKey) > 1) throw new ApiProblem(400, "only one of traceId, sessionId or experimentId");
        if (q.ContainsKey("observationId") && !q.ContainsKey("traceId")) throw new ApiProblem(400, "observationId requires traceId");

        var conditions = new Conditions(q).Eq("traceId", "trace_id").Eq("observationId", "observation_id").Eq("sessionId", "session_id")
            .Eq("experimentId", "dataset_run_id").Range("fromTimestamp", "toTimestamp", "timestamp");
        foreach (var (param, column) in new[] { ("id", "id"), ("name", "name"), ("source", "source"), ("dataType", "data_type"), ("environment", "environment"),
                     ("configId", "config_id"), ("queueId", "queue_id"), ("authorUserId", "author_user_id") })
            if (q[param].FirstOrDefault() is { } csv)
                conditions.Add(Sql.Of($"has({csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)}, ifNull({Sql.Trusted(column)}, ''))"));
        if (q["value"].FirstOrDefault() is { } values)
            conditions.Add(Sql.Of($"(has({values.Split(',', StringSplitOptions.TrimEntries)}, ifNull(string_value, '')) OR has({values.Split(',', StringSplitOptions.TrimEntries)}, toString(value)))"));
        foreach (var (param, op) in new[] { ("valueMin", ">="), ("valueMax", "<=") })
            if (q[param].FirstOrDefault() is { } bound)
                conditions.Add(Sql.Of($"data_type = 'NUMERIC' AND value {Sql.Trusted(op)} {QueryParameters.Number(param, bound)}"));
        if (q["cursor"].FirstOrDefault() is { Length: > 0 } encoded)
        {
            var cursor = Decode(encoded);
            conditions.Add(Sql.Of($"(timestamp < {cursor.Timestamp} OR (timestamp = {cursor.Timestamp} AND id < {cursor.Id}))"));
        }
        var rows = await latestRows.PageAsync<ScoreRow>(EntityTable.Scores, project, conditions.Build(), Sql.Trusted("timestamp DESC, id DESC"), 0, limit + 1, ct, newestFirst: "timestamp");
        var page = rows.Take(limit).ToList();
        var meta = new JsonObject { ["limit"] = limit };
        if (rows.Count > limit)
            meta["cursor"] = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Cursor(page[^1].Timestamp, page[^1].Id), JsonSerializerOptions.Web))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject
        {
            ["data"] = new JsonArray(page.Select(s => (JsonNode?)View(s, fields)).ToArray()),
            ["meta"] = meta,
        }, ct);
    }

    static Cursor Decode(string encoded)
    {
        try
        {
            var base64 = encoded.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - base64.Length % 4) % 4);
            var cursor = JsonSerializer.Deserialize<Cursor>(Convert.FromBase64String(base64), JsonSerializerOptions.Web);
            return cursor is { Id: not null } ? cursor : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or JsonException) { throw new ApiProblem(400, "cursor: not a cursor returned by this endpoint"); }
    }

    static JsonObject View(ScoreRow s, HashSet<string> fields)
    {
        var view = new JsonObject
        {
            ["id"] = s.Id, ["projectId"] = s.ProjectId, ["name"] = s.Name, ["source"] = s.Source, ["dataType"] = s.DataType,
            ["value"] = s.DataType switch
            {
                "NUMERIC" => JsonValue.Create(s.Value),
                "BOOLEAN" => JsonValue.Create(s.Value == 1),
                "CORRECTION" => JsonValue.Create(s.LongStringValue),
                _ => JsonValue.Create(s.StringValue),
            },
            ["timestamp"] = Values.IsoMs(s.Timestamp), ["environment"] = s.Environment,
            ["createdAt"] = Values.IsoMs(s.CreatedAt), ["updatedAt"] = Values.IsoMs(s.UpdatedAt),
        };
        if (fields.Contains("details"))
        {
            view["comment"] = s.Comment;
            view["configId"] = s.ConfigId;
            view["metadata"] = new JsonObject(s.MetadataKeys.Zip(s.MetadataValues).Select(kv => KeyValuePair.Create(kv.First, ApiViews.ParseIfPossible(kv.Second))));
        }
        if (fields.Contains("annotation")) { view["authorUserId"] = s.AuthorUserId; view["queueId"] = s.QueueId; }
        if (fields.Contains("subject"))
            view["subject"] = s.ObservationId is not null ? new JsonObject { ["type"] = "OBSERVATION", ["id"] = s.ObservationId, ["traceId"] = s.TraceId }
                : s.TraceId is not null ? new JsonObject { ["type"] = "TRACE", ["id"] = s.TraceId }
                : s.SessionId is not null ? new JsonObject { ["type"] = "SESSION", ["id"] = s.SessionId }
                : new JsonObject { ["type"] = "EXPERIMENT", ["id"] = s.DatasetRunId };
        return view;
    }
}
