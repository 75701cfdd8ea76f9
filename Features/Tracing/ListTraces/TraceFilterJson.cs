using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.ListTraces;

/// <summary>
/// The JSON `filter` parameter of GET /api/public/traces (Langfuse's FilterState) over the trace's own columns and
/// metadata. Columns and operators come from allow-lists; values go through <see cref="Sql.Of"/>.
/// </summary>
public static class TraceFilterJson
{
    static readonly Dictionary<string, string> StringColumns = new()
    {
        ["id"] = "id", ["name"] = "ifNull(name, '')", ["userId"] = "ifNull(user_id, '')", ["sessionId"] = "ifNull(session_id, '')",
        ["environment"] = "environment", ["version"] = "ifNull(version, '')", ["release"] = "ifNull(release, '')",
    };
    static readonly Dictionary<string, string> NullableColumns = new()
    {
        ["name"] = "name", ["userId"] = "user_id", ["sessionId"] = "session_id", ["version"] = "version", ["release"] = "release",
    };
    static readonly HashSet<string> Aggregated = ["latency", "inputTokens", "outputTokens", "totalTokens", "tokens", "inputCost", "outputCost", "totalCost"];

    public static Sql Parse(string json)
    {
        JsonArray filters;
        try { filters = JsonNode.Parse(json) as JsonArray ?? throw new JsonException(); }
        catch (JsonException) { throw new ApiProblem(400, "filter: must be a JSON array of filter conditions"); }
        var conditions = new List<Sql> { Sql.Trusted("1") };
        foreach (var node in filters)
        {
            if (node is not JsonObject f) throw new ApiProblem(400, "filter: each condition must be an object");
            var column = Text(f["column"]) ?? throw new ApiProblem(400, "filter: each condition needs a column");
            var type = Text(f["type"]) ?? throw new ApiProblem(400, $"filter[{column}]: type is required");
            var op = Text(f["operator"]) ?? throw new ApiProblem(400, $"filter[{column}]: operator is required");
            var value = f["value"];
            if (Aggregated.Contains(column)) throw new ApiProblem(400, $"filter[{column}]: filters on aggregated observation metrics are not supported yet");
            conditions.Add((column, type) switch
            {
                (_, "null") => NullCheck(column, op),
                ("timestamp", "datetime") => Compare("timestamp", op, Millis(value, column), [">", "<", ">=", "<="]),
                ("tags", "arrayOptions") => Tags(op, Strings(value, column)),
                ("bookmarked", "boolean") => Sql.Of($"bookmarked {Sql.Trusted(op switch { "=" => "=", "<>" => "!=", _ => throw Unsupported(column, op) })} {value?.GetValueKind() == JsonValueKind.True}"),
                ("metadata", "stringObject") => StringOp(MetadataValue(f), op, Str(value, column), column),
                ("metadata", "numberObject") => Compare($"toFloat64OrZero({MetadataValue(f).Text})", op, Number(value, column), ["=", ">", "<", ">=", "<="]),
                ("metadata", "categoryOptions") => Options(MetadataValue(f), op, Strings(value, column), column),
                (_, "string") when StringColumns.TryGetValue(column, out var c) => StringOp(Sql.Trusted(c), op, Str(value, column), column),
                (_, "stringOptions" or "categoryOptions") when StringColumns.TryGetValue(column, out var c) => Options(Sql.Trusted(c), op, Strings(value, column), column),
                _ => throw new ApiProblem(400, $"filter: column '{column}' with type '{type}' is not supported (columns: {string.Join(", ", StringColumns.Keys.Concat(["timestamp", "tags", "bookmarked", "metadata"]))})"),
            });
        }
        return Sql.Join(" AND ", conditions);
    }

    static Sql MetadataValue(JsonObject f) =>
        Text(f["key"]) is { } key ? Sql.Of($"arrayElement(metadata_values, indexOf(metadata_keys, {key}))") : throw new ApiProblem(400, "filter[metadata]: key is required");

    static Sql NullCheck(string column, string op)
    {
        var c = NullableColumns.GetValueOrDefault(column) ?? throw new ApiProblem(400, $"filter[{column}]: cannot be null");
        return op switch
        {
            "is null" => Sql.Trusted($"isNull({c})"),
            "is not null" => Sql.Trusted($"isNotNull({c})"),
            _ => throw Unsupported(column, op),
        };
    }

    static Sql StringOp(Sql c, string op, string v, string column) => op switch
    {
        "=" => Sql.Of($"{c} = {v}"),
        "contains" => Sql.Of($"position({c}, {v}) > 0"),
        "does not contain" => Sql.Of($"position({c}, {v}) = 0"),
        "starts with" => Sql.Of($"startsWith({c}, {v})"),
        "ends with" => Sql.Of($"endsWith({c}, {v})"),
        _ => throw Unsupported(column, op),
    };

    static Sql Options(Sql c, string op, List<string> values, string column) => op switch
    {
        "any of" => Sql.Of($"has({values}, {c})"),
        "none of" => Sql.Of($"NOT has({values}, {c})"),
        _ => throw Unsupported(column, op),
    };

    static Sql Tags(string op, List<string> values) => op switch
    {
        "any of" => Sql.Of($"hasAny(tags, {values})"),
        "none of" => Sql.Of($"NOT hasAny(tags, {values})"),
        "all of" => Sql.Of($"hasAll(tags, {values})"),
        _ => throw Unsupported("tags", op),
    };

    static Sql Compare<T>(string expression, string op, T value, string[] allowed) =>
        allowed.Contains(op) ? Sql.Of($"{Sql.Trusted(expression)} {Sql.Trusted(op)} {value}") : throw Unsupported(expression, op);

    static ApiProblem Unsupported(string column, string op) => new(400, $"filter[{column}]: operator '{op}' is not supported for this type");

    static string? Text(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
    static string Str(JsonNode? n, string column) => Text(n) ?? throw new ApiProblem(400, $"filter[{column}]: value must be a string");
    static double Number(JsonNode? n, string column) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : throw new ApiProblem(400, $"filter[{column}]: value must be a number");
    static List<string> Strings(JsonNode? n, string column) =>
        n is JsonArray a && a.All(x => x?.GetValueKind() == JsonValueKind.String) ? a.Select(x => x!.GetValue<string>()).ToList() : throw new ApiProblem(400, $"filter[{column}]: value must be a list of strings");
    static long Millis(JsonNode? n, string column) =>
        Text(n) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUnixTimeMilliseconds() : throw new ApiProblem(400, $"filter[{column}]: value must be an ISO-8601 datetime");
}
