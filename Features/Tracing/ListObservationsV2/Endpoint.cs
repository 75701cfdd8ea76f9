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

namespace Langfuse.Features.Tracing.ListObservationsV2;

/// <summary>
/// GET /api/public/v2/observations: cursor-paged (newest first), with field groups. Inputs and outputs are returned
/// as the raw strings stored; metadata values are cut to 200 characters unless expandMetadata=true.
/// </summary>
sealed class Endpoint(ClickHouseGateway clickHouse, LatestRows latestRows, TracingReads reads) : Endpoint<Request, Response>
{
    internal static readonly HashSet<string> Groups = ["core", "basic", "time", "io", "metadata", "model", "usage", "prompt", "metrics", "trace_context"];

    sealed record Cursor(string LastStartTimeTo, string LastTraceId, string LastId);
    sealed record TraceContext(string Id, string? Name, string? UserId, string? SessionId, string[] Tags, string? Release, byte Bookmarked, byte Public);

    public override void Configure()
    {
        Get("/api/public/v2/observations");
        Description(d => d.WithTags("ObservationsV2"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var fields = (r.Fields ?? "core,basic").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        fields.Add("core");

        var conditions = new Conditions().Where("name", r.Name).Where("type", r.Type).Where("trace_id", r.TraceId).Where("level", r.Level).Where("version", r.Version)
            .WhereAny("environment", r.Environment).Between("start_time", r.FromStartTime, r.ToStartTime);
        if (r.ParentObservationId is { } parent)
            conditions.Add(parent.Length == 0 ? Sql.Trusted("parent_observation_id IS NULL") : Sql.Of($"parent_observation_id = {parent}"));
        if (r.IsRootObservation is { } root)
            conditions.Add(Sql.Trusted(root ? "parent_observation_id IS NULL" : "parent_observation_id IS NOT NULL"));
        conditions.OfTrace("trace_id", project, trace => trace.Where("user_id", r.UserId).Where("session_id", r.SessionId));
        if (r.Filter is { Length: > 0 } json) conditions.Add(JsonFilter.Parse(json, JsonFilterSchema.Observations(project)));
        if (r.Cursor is { Length: > 0 } encoded)
        {
            var cursor = Decode(encoded);
            var start = EventValidatorTime(cursor.LastStartTimeTo);
            conditions.Add(Sql.Of($"(start_time < {start} OR (start_time = {start} AND (trace_id < {cursor.LastTraceId} OR (trace_id = {cursor.LastTraceId} AND id < {cursor.LastId}))))"));
        }

        var rows = await latestRows.PageAsync<ObservationRow>(EntityTable.Observations, project, conditions.Build(), Sql.Trusted("start_time DESC, trace_id DESC, id DESC"), 0, r.Limit + 1, ct, newestFirst: "start_time");
        var page = rows.Take(r.Limit).ToList();
        var traces = new Dictionary<string, TraceContext>();
        if (fields.Contains("trace_context") && page.Count > 0)
        {
            var ids = Sql.InList(page.Select(o => o.TraceId).Distinct());
            traces = (await clickHouse.QueryAsync<TraceContext>(Sql.Of(
                $"SELECT id, name, user_id, session_id, tags, release, bookmarked, public FROM traces PREWHERE project_id = {project} AND id IN {ids} ORDER BY fold_version DESC LIMIT 1 BY id"), ct))
                .ToDictionary(t => t.Id);
        }
        var models = await reads.ModelLookupAsync(project, ct);
        string? next = null;
        if (rows.Count > r.Limit)
        {
            var last = page[^1];
            next = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Cursor(UtcTimestampConverter.Text(last.StartTime), last.TraceId, last.Id), JsonSerializerOptions.Web));
        }
        await Send.OkAsync(new Response(page.Select(o => View(o, fields, r.ExpandMetadata, models, traces.GetValueOrDefault(o.TraceId))).ToList(), new CursorMeta(next)), ct);
    }

    static Cursor Decode(string encoded)
    {
        try
        {
            var cursor = JsonSerializer.Deserialize<Cursor>(Convert.FromBase64String(encoded), JsonSerializerOptions.Web);
            return cursor is { LastStartTimeTo: not null, LastTraceId: not null, LastId: not null } ? cursor : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or JsonException) { throw new ApiProblem(400, "cursor: not a cursor returned by this endpoint"); }
    }

    static long EventValidatorTime(string iso) =>
        Ingestion.EventValidator.TryParseTimestamp(iso, out var ms) ? ms : throw new ApiProblem(400, "cursor: not a cursor returned by this endpoint");

    static JsonObject View(ObservationRow o, HashSet<string> fields, bool expandMetadata, Func<string, Models.ModelPrice?> models, TraceContext? trace)
    {
        var full = ApiViews.ObservationNode(o, models);
        var view = new JsonObject
        {
            ["id"] = o.Id, ["traceId"] = o.TraceId, ["startTime"] = UtcTimestampConverter.Text(o.StartTime), ["endTime"] = full["endTime"]?.DeepClone(),
            ["projectId"] = o.ProjectId, ["parentObservationId"] = o.ParentObservationId, ["type"] = o.Type,
            ["modelId"] = o.InternalModelId, ["inputPrice"] = full["inputPrice"]?.DeepClone(), ["outputPrice"] = full["outputPrice"]?.DeepClone(), ["totalPrice"] = full["totalPrice"]?.DeepClone(),
        };
        void Copy(params string[] keys) { foreach (var k in keys) view[k] = full[k]?.DeepClone(); }
        if (fields.Contains("basic"))
        {
            Copy("name", "level", "statusMessage", "version", "environment");
            view["isRootObservation"] = o.ParentObservationId is null;
        }
        if (fields.Contains("time")) Copy("completionStartTime", "createdAt", "updatedAt");
        if (fields.Contains("io")) { view["input"] = ApiViews.Text(o.Input); view["output"] = ApiViews.Text(o.Output); } // as stored: the UI parses it
        if (fields.Contains("metadata"))
            view["metadata"] = new JsonObject(o.MetadataKeys.Zip(o.MetadataValues).Select(kv =>
                KeyValuePair.Create(kv.First, (JsonNode?)(expandMetadata || kv.Second.Length <= 200 ? kv.Second : kv.Second[..200]))));
        if (fields.Contains("model")) { view["providedModelName"] = o.ProvidedModelName; view["internalModelId"] = o.InternalModelId; Copy("modelParameters"); }
        if (fields.Contains("usage")) { Copy("usageDetails", "costDetails"); view["totalCost"] = o.TotalCost; view["usagePricingTierName"] = o.UsagePricingTierName; }
        if (fields.Contains("prompt")) Copy("promptId", "promptName", "promptVersion");
        if (fields.Contains("metrics")) Copy("latency", "timeToFirstToken");
        if (fields.Contains("trace_context"))
        {
            view["traceName"] = trace?.Name; view["userId"] = trace?.UserId; view["sessionId"] = trace?.SessionId; view["release"] = trace?.Release;
            view["tags"] = new JsonArray((trace?.Tags ?? []).Select(t => (JsonNode?)t).ToArray());
            view["bookmarked"] = trace?.Bookmarked == 1; view["public"] = trace?.Public == 1;
        }
        return view;
    }
}

/// <summary>Langfuse's v2 observation list parameters.</summary>
public sealed record Request
{
    [QueryParam] public int Limit { get; init; } = 50;
    /// <summary>Comma-separated groups: core (always), basic, time, io, metadata, model, usage, prompt, metrics, trace_context; default core,basic.</summary>
    [QueryParam] public string? Fields { get; init; }
    [QueryParam] public bool ExpandMetadata { get; init; }
    /// <summary>Refused: inputs and outputs are returned as stored strings.</summary>
    [QueryParam] public bool ParseIoAsJson { get; init; }
    [QueryParam] public string? Cursor { get; init; }
    [QueryParam] public string? Name { get; init; }
    [QueryParam] public string? UserId { get; init; }
    [QueryParam] public string? SessionId { get; init; }
    [QueryParam] public string? Type { get; init; }
    [QueryParam] public string? TraceId { get; init; }
    [QueryParam] public string? Level { get; init; }
    /// <summary>Empty: observations without a parent.</summary>
    [QueryParam] public string? ParentObservationId { get; init; }
    [QueryParam] public bool? IsRootObservation { get; init; }
    [QueryParam] public List<string>? Environment { get; init; }
    [QueryParam] public DateTimeOffset? FromStartTime { get; init; }
    [QueryParam] public DateTimeOffset? ToStartTime { get; init; }
    [QueryParam] public string? Version { get; init; }
    [QueryParam] public string? Filter { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Limit).InclusiveBetween(1, 1000);
            RuleFor(r => r.ParseIoAsJson).Equal(false).WithMessage("parseIoAsJson is not supported: inputs and outputs are returned as stored strings");
            RuleFor(r => r.Fields).Must(f => f!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(Endpoint.Groups.Contains))
                .When(r => r.Fields is not null).WithMessage($"fields: groups are {string.Join(", ", Endpoint.Groups)}");
        }
    }
}

/// <summary>Observations with the fields of the groups asked for.</summary>
public sealed record Response(IReadOnlyList<JsonObject> Data, CursorMeta Meta);

/// <summary>The next page's cursor, absent on the last page.</summary>
public sealed record CursorMeta(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Cursor);
