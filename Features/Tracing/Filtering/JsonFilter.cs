using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.Filtering;

/// <summary>
/// The JSON `filter` parameter of the list endpoints (Langfuse's FilterState: [{type, column, operator, value, key?}]),
/// turned into SQL over one table's rows. Columns and operators come from the schema's allow-lists; values go
/// through <see cref="Sql.Of"/>.
/// </summary>
public static class JsonFilter
{
    public static Sql Parse(string json, JsonFilterSchema schema)
    {
        JsonArray filters;
        filters = Infrastructure.Http.JsonText.ParseParameter("filter", json) as JsonArray ?? throw new ApiProblem(400, "filter: must be a JSON array of filter conditions");
        var conditions = new List<Sql> { Sql.Trusted("1") };
        foreach (var node in filters)
        {
            if (node is not JsonObject f) throw new ApiProblem(400, "filter: each condition must be an object");
            var column = Text(f["column"]) ?? throw new ApiProblem(400, "filter: each condition needs a column");
            var type = Text(f["type"]) ?? throw new ApiProblem(400, $"filter[{column}]: type is required");
            var op = Text(f["operator"]) ?? throw new ApiProblem(400, $"filter[{column}]: operator is required");
            conditions.Add(Condition(schema, column, type, op, f));
        }
        return Sql.Join(" AND ", conditions);
    }

    static Sql Condition(JsonFilterSchema schema, string column, string type, string op, JsonObject f)
    {
        var value = f["value"];
        if (schema.Related.TryGetValue(column, out var related))
            return related.Wrap(Condition(related.Schema, related.Column, type, op, f));
        if (schema.Aggregates.TryGetValue(column, out var aggregate))
        {
            if (type != "number") throw new ApiProblem(400, $"filter[{column}]: type must be number");
            var number = Number(value, column);
            return aggregate.Wrap(Compare(aggregate.Expression, op, number, column), ZeroMatches(op, number));
        }
        return (column, type) switch
        {
            (_, "null") => NullCheck(schema, column, op),
            (_, "datetime") when schema.Times.TryGetValue(column, out var c) => Compare(Sql.Trusted(c), op, Millis(value, column), column),
            (_, "number") when schema.Numbers.TryGetValue(column, out var c) => Compare(Sql.Trusted(c), op, Number(value, column), column),
            (_, "arrayOptions") when column == schema.TagsColumn => Tags(op, Strings(value, column)),
            (_, "boolean") when schema.Booleans.TryGetValue(column, out var c) =>
                Sql.Of($"{Sql.Trusted(c)} {Sql.Trusted(op switch { "=" => "=", "<>" => "!=", _ => throw Unsupported(column, op) })} {value?.GetValueKind() == JsonValueKind.True}"),
            ("metadata", "stringObject") when schema.HasMetadata => StringOp(MetadataValue(f), op, Str(value, column), column),
            ("metadata", "numberObject") when schema.HasMetadata => Compare(Sql.Of($"toFloat64OrZero({MetadataValue(f)})"), op, Number(value, column), column),
            ("metadata", "categoryOptions") when schema.HasMetadata => Options(MetadataValue(f), op, Strings(value, column), column),
            (_, "string") when schema.Strings.TryGetValue(column, out var c) => StringOp(Sql.Trusted(c), op, Str(value, column), column),
            (_, "stringOptions" or "categoryOptions") when schema.Strings.TryGetValue(column, out var c) => Options(Sql.Trusted(c), op, Strings(value, column), column),
            _ => throw new ApiProblem(400, $"filter: column '{column}' with type '{type}' is not supported (columns: {string.Join(", ", schema.ColumnNames)})"),
        };
    }

    /// <summary>Whether an entity without any rows to aggregate (sums of zero) satisfies the comparison.</summary>
    static bool ZeroMatches(string op, double value) => op switch
    {
        "=" => value == 0, ">" => 0 > value, "<" => 0 < value, ">=" => 0 >= value, "<=" => 0 <= value, _ => false,
    };

    /// <summary>
    /// A metadata value as the client sent it: strings that are themselves valid JSON are stored JSON-quoted
    /// (Values.MetadataText), so a value in quotes is compared without them.
    /// </summary>
    static Sql MetadataValue(JsonObject f)
    {
        var key = Text(f["key"]) ?? throw new ApiProblem(400, "filter[metadata]: key is required");
        var stored = Sql.Of($"arrayElement(metadata_values, indexOf(metadata_keys, {key}))");
        return Sql.Of($"if(length({stored}) >= 2 AND startsWith({stored}, '\"') AND endsWith({stored}, '\"'), replaceRegexpAll(substring({stored}, 2, length({stored}) - 2), '\\\\\\\\(.)', '\\\\1'), {stored})");
    }

    static Sql NullCheck(JsonFilterSchema schema, string column, string op)
    {
        var c = schema.Nullables.GetValueOrDefault(column) ?? throw new ApiProblem(400, $"filter[{column}]: cannot be null");
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

    static readonly string[] Comparisons = ["=", ">", "<", ">=", "<="];

    static Sql Compare<T>(Sql expression, string op, T value, string column) =>
        Comparisons.Contains(op) ? Sql.Of($"{expression} {Sql.Trusted(op)} {value}") : throw Unsupported(column, op);

    static ApiProblem Unsupported(string column, string op) => new(400, $"filter[{column}]: operator '{op}' is not supported for this type");

    static string? Text(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
    static string Str(JsonNode? n, string column) => Text(n) ?? throw new ApiProblem(400, $"filter[{column}]: value must be a string");
    static double Number(JsonNode? n, string column) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d
        : throw new ApiProblem(400, $"filter[{column}]: value must be a finite number");
    static List<string> Strings(JsonNode? n, string column) =>
        n is JsonArray a && a.All(x => x?.GetValueKind() == JsonValueKind.String) ? a.Select(x => x!.GetValue<string>()).ToList() : throw new ApiProblem(400, $"filter[{column}]: value must be a list of strings");
    static long Millis(JsonNode? n, string column) =>
        Text(n) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUnixTimeMilliseconds() : throw new ApiProblem(400, $"filter[{column}]: value must be an ISO-8601 datetime");
}
