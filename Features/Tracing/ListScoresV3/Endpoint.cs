using System.Text.Json;
using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.ListScoresV3;

/// <summary>GET /api/public/v3/scores: cursor-paged scores (newest first) with typed values and their subject.</summary>
sealed class Endpoint(LatestRows latestRows) : Endpoint<Request, Response>
{
    sealed record Cursor(long Timestamp, string Id);

    public override void Configure()
    {
        Get("/api/public/v3/scores");
        Description(d => d.WithTags("ScoresV3"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var fields = (r.Fields ?? "details,subject,annotation").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        var conditions = new Conditions().Where("trace_id", r.TraceId).Where("observation_id", r.ObservationId).Where("session_id", r.SessionId)
            .Where("dataset_run_id", r.ExperimentId).Between("timestamp", r.FromTimestamp, r.ToTimestamp);
        foreach (var (csv, column) in new[] { (r.Id, "id"), (r.Name, "name"), (r.Source, "source"), (r.DataType, "data_type"), (r.Environment, "environment"),
                     (r.ConfigId, "config_id"), (r.QueueId, "queue_id"), (r.AuthorUserId, "author_user_id") })
            if (csv is not null)
                conditions.Add(Sql.Of($"has({csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)}, ifNull({Sql.Trusted(column)}, ''))"));
        if (r.Value is { } values)
            conditions.Add(Sql.Of($"(has({values.Split(',', StringSplitOptions.TrimEntries)}, ifNull(string_value, '')) OR has({values.Split(',', StringSplitOptions.TrimEntries)}, toString(value)))"));
        if (r.ValueMin is { } min) conditions.Add(Sql.Of($"data_type = 'NUMERIC' AND value >= {min}"));
        if (r.ValueMax is { } max) conditions.Add(Sql.Of($"data_type = 'NUMERIC' AND value <= {max}"));
        if (r.Cursor is { Length: > 0 } encoded)
        {
            var cursor = Decode(encoded);
            conditions.Add(Sql.Of($"(timestamp < {cursor.Timestamp} OR (timestamp = {cursor.Timestamp} AND id < {cursor.Id}))"));
        }
        var rows = await latestRows.PageAsync<ScoreRow>(EntityTable.Scores, project, conditions.Build(), Sql.Trusted("timestamp DESC, id DESC"), 0, r.Limit + 1, ct, newestFirst: "timestamp");
        var page = rows.Take(r.Limit).ToList();
        var next = rows.Count <= r.Limit ? null
            : Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Cursor(page[^1].Timestamp, page[^1].Id), JsonSerializerOptions.Web))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await Send.OkAsync(new Response(page.Select(s => View(s, fields)).ToList(), new CursorMeta(r.Limit, next)), ct);
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
            ["timestamp"] = UtcTimestampConverter.Text(s.Timestamp), ["environment"] = s.Environment,
            ["createdAt"] = UtcTimestampConverter.Text(s.CreatedAt), ["updatedAt"] = UtcTimestampConverter.Text(s.UpdatedAt),
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

/// <summary>Langfuse's v3 score list parameters; the list-valued ones are comma-separated.</summary>
public sealed record Request
{
    [QueryParam] public int Limit { get; init; } = 50;
    /// <summary>Comma-separated groups: details, subject, annotation (all by default).</summary>
    [QueryParam] public string? Fields { get; init; }
    [QueryParam] public string? Cursor { get; init; }
    [QueryParam] public string? TraceId { get; init; }
    /// <summary>Needs traceId.</summary>
    [QueryParam] public string? ObservationId { get; init; }
    [QueryParam] public string? SessionId { get; init; }
    /// <summary>A dataset run's id.</summary>
    [QueryParam] public string? ExperimentId { get; init; }
    [QueryParam] public DateTimeOffset? FromTimestamp { get; init; }
    [QueryParam] public DateTimeOffset? ToTimestamp { get; init; }
    [QueryParam] public string? Id { get; init; }
    [QueryParam] public string? Name { get; init; }
    [QueryParam] public string? Source { get; init; }
    [QueryParam] public string? DataType { get; init; }
    [QueryParam] public string? Environment { get; init; }
    [QueryParam] public string? ConfigId { get; init; }
    [QueryParam] public string? QueueId { get; init; }
    [QueryParam] public string? AuthorUserId { get; init; }
    /// <summary>Categorical or text values, or numbers as text, any of which matches.</summary>
    [QueryParam] public string? Value { get; init; }
    [QueryParam] public double? ValueMin { get; init; }
    [QueryParam] public double? ValueMax { get; init; }
    /// <summary>Not a filter of v3 (refused, as in Langfuse): use /api/public/v2/scores.</summary>
    [QueryParam] public string? UserId { get; init; }
    /// <summary>Not a filter of v3 (refused, as in Langfuse): use /api/public/v2/scores.</summary>
    [QueryParam] public string? TraceTags { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Limit).InclusiveBetween(1, 100);
            RuleFor(r => r).Must(r => r.UserId is null && r.TraceTags is null).OverridePropertyName("userId")
                .WithMessage("userId and traceTags are not filters of v3 scores; use /api/public/v2/scores");
            RuleFor(r => r.Fields).Must(f => f!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(Groups.Contains))
                .When(r => r.Fields is not null).WithMessage("fields: groups are details, subject, annotation");
            RuleFor(r => r).Must(r => new[] { r.TraceId, r.SessionId, r.ExperimentId }.Count(x => x is not null) <= 1).OverridePropertyName("traceId")
                .WithMessage("only one of traceId, sessionId or experimentId");
            RuleFor(r => r.TraceId).NotNull().When(r => r.ObservationId is not null).WithMessage("observationId requires traceId");
            RuleFor(r => r.ValueMin).Must(v => double.IsFinite(v!.Value)).When(r => r.ValueMin is not null).WithMessage("valueMin: must be a finite number");
            RuleFor(r => r.ValueMax).Must(v => double.IsFinite(v!.Value)).When(r => r.ValueMax is not null).WithMessage("valueMax: must be a finite number");
        }

        static readonly HashSet<string> Groups = ["details", "subject", "annotation"];
    }
}

/// <summary>Scores with the fields of the groups asked for.</summary>
public sealed record Response(IReadOnlyList<JsonObject> Data, CursorMeta Meta);

/// <summary>The next page's cursor, absent on the last page.</summary>
public sealed record CursorMeta(int Limit,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Cursor);
