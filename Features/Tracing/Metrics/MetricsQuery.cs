using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Langfuse.Features.Tracing.Filtering;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.Metrics;

/// <summary>
/// GET /api/public/v2/metrics?query={…}: views observations, scores-numeric, scores-boolean and scores-categorical;
/// dimensions, measures with aggregations, filters, an optional time dimension, ordering and a row limit. The
/// legacy GET /api/public/metrics takes the same query object and also the traces view.
/// Every field, measure and operator comes from an allow-list; only values enter SQL, through <see cref="Sql.Of"/>.
/// </summary>
public sealed class MetricsQuery(ClickHouseGateway clickHouse)
{
    /// <param name="TraceLink">The row's trace id as a non-null string, for dimensions of the parent trace.</param>
    /// <param name="Measures">Per-row expressions the aggregation applies to; one starting with '=' is already an aggregate.</param>
    sealed record View(string Table, string TimeColumn, Sql Extra, Dictionary<string, string> Dimensions, Dictionary<string, string> Measures, string TraceLink);

    const string InputTokens = "arraySum(arrayFilter((usage_value, usage_key) -> usage_key = 'input', usage_values, usage_keys))";
    const string OutputTokens = "arraySum(arrayFilter((usage_value, usage_key) -> usage_key = 'output', usage_values, usage_keys))";
    const string TotalTokens = "arraySum(arrayFilter((usage_value, usage_key) -> usage_key = 'total', usage_values, usage_keys))";
    const string Seconds = "((ifNull(end_time, start_time) - start_time) / 1000)";

    /// <summary>Dimensions of the parent trace: present when one of them is asked for, through a join on the trace id.</summary>
    static readonly Dictionary<string, string> TraceDimensions = new()
    {
        ["traceName"] = "ifNull(trace_name, '')", ["tags"] = "trace_tags", ["release"] = "ifNull(trace_release, '')",
        ["traceRelease"] = "ifNull(trace_release, '')", ["traceVersion"] = "ifNull(trace_version, '')",
    };

    static readonly Dictionary<string, View> Views = new()
    {
        ["observations"] = new("observations", "start_time", Sql.Trusted("1"),
            new()
            {
                ["environment"] = "environment", ["type"] = "type", ["name"] = "ifNull(name, '')", ["level"] = "level", ["version"] = "ifNull(version, '')",
                ["providedModelName"] = "ifNull(provided_model_name, '')", ["promptName"] = "ifNull(prompt_name, '')",
                ["promptVersion"] = "ifNull(prompt_version, 0)", ["isRootObservation"] = "isNull(parent_observation_id)",
                ["startTimeMonth"] = "formatDateTime(toDateTime(intDiv(start_time, 1000)), '%Y-%m')",
                ["traceName"] = TraceDimensions["traceName"], ["tags"] = TraceDimensions["tags"], ["release"] = TraceDimensions["release"],
                ["traceRelease"] = TraceDimensions["traceRelease"], ["traceVersion"] = TraceDimensions["traceVersion"],
            },
            new()
            {
                ["count"] = "1", ["latency"] = "(ifNull(end_time, start_time) - start_time)", ["timeToFirstToken"] = "(completion_start_time - start_time)",
                ["streamingLatency"] = "(ifNull(end_time, start_time) - ifNull(completion_start_time, start_time))",
                ["inputTokens"] = InputTokens, ["outputTokens"] = OutputTokens, ["totalTokens"] = TotalTokens,
                ["outputTokensPerSecond"] = $"if({Seconds} > 0, {OutputTokens} / {Seconds}, NULL)",
                ["tokensPerSecond"] = $"if({Seconds} > 0, {TotalTokens} / {Seconds}, NULL)",
                ["inputCost"] = "arraySum(arrayFilter((cost_value, cost_key) -> position(cost_key, 'input') > 0, cost_values, cost_keys))",
                ["outputCost"] = "arraySum(arrayFilter((cost_value, cost_key) -> position(cost_key, 'output') > 0, cost_values, cost_keys))",
                ["totalCost"] = "ifNull(total_cost, 0)",
            }, "trace_id"),
        ["traces"] = new("traces", "timestamp", Sql.Trusted("1"),
            new()
            {
                ["id"] = "id", ["name"] = "ifNull(name, '')", ["tags"] = "tags", ["userId"] = "ifNull(user_id, '')", ["sessionId"] = "ifNull(session_id, '')",
                ["release"] = "ifNull(release, '')", ["version"] = "ifNull(version, '')", ["environment"] = "environment",
                ["timestampMonth"] = "formatDateTime(toDateTime(intDiv(timestamp, 1000)), '%Y-%m')",
                ["timestampDay"] = "formatDateTime(toDateTime(intDiv(timestamp, 1000)), '%Y-%m-%d')",
            },
            new()
            {
                ["count"] = "1", ["observationsCount"] = "observations_count", ["scoresCount"] = "scores_count", ["latency"] = "trace_latency",
                ["totalTokens"] = "total_tokens", ["totalCost"] = "total_cost",
                ["uniqueUserIds"] = "=uniqExact(user_id)", ["uniqueSessionIds"] = "=uniqExact(session_id)",
            }, "id"),
        ["scores-numeric"] = ScoreView("data_type IN ('NUMERIC', 'BOOLEAN')", numeric: true),
        ["scores-boolean"] = ScoreView("data_type = 'BOOLEAN'", numeric: true),
        ["scores-categorical"] = ScoreView("data_type IN ('CATEGORICAL', 'BOOLEAN')", numeric: false),
    };

    static View ScoreView(string dataTypes, bool numeric)
    {
        var dimensions = new Dictionary<string, string>
        {
            ["environment"] = "environment", ["name"] = "name", ["source"] = "source", ["dataType"] = "data_type", ["configId"] = "ifNull(config_id, '')",
            ["timestampMonth"] = "formatDateTime(toDateTime(intDiv(timestamp, 1000)), '%Y-%m')",
            ["timestampDay"] = "formatDateTime(toDateTime(intDiv(timestamp, 1000)), '%Y-%m-%d')",
            ["traceName"] = TraceDimensions["traceName"], ["tags"] = TraceDimensions["tags"],
            ["traceRelease"] = TraceDimensions["traceRelease"], ["traceVersion"] = TraceDimensions["traceVersion"],
        };
        if (!numeric) dimensions["stringValue"] = "ifNull(string_value, '')";
        if (numeric) dimensions["value"] = "value";
        if (dataTypes.Contains("BOOLEAN") && numeric) dimensions["booleanValue"] = "value = 1";
        var measures = new Dictionary<string, string> { ["count"] = "1" };
        if (numeric) measures["value"] = "value";
        return new("scores", "timestamp", Sql.Trusted(dataTypes), dimensions, measures, "ifNull(trace_id, '')");
    }

    static readonly Dictionary<string, string> Aggregations = new()
    {
        ["sum"] = "sum({0})", ["avg"] = "avg({0})", ["count"] = "count()", ["max"] = "max({0})", ["min"] = "min({0})",
        ["histogram"] = "histogram({1})(toFloat64({0}))", ["p50"] = "quantile(0.5)({0})", ["p75"] = "quantile(0.75)({0})", ["p90"] = "quantile(0.9)({0})", ["p95"] = "quantile(0.95)({0})", ["p99"] = "quantile(0.99)({0})",
    };

    static readonly Dictionary<string, string> Granularities = new()
    {
        ["minute"] = "toStartOfMinute", ["hour"] = "toStartOfHour", ["day"] = "toStartOfDay", ["week"] = "toMonday", ["month"] = "toStartOfMonth", ["auto"] = "toStartOfDay",
    };

    /// <summary>The rows of a metrics query (the `query` parameter's JSON); <paramref name="legacy"/> (v1) also allows the traces view.</summary>
    public async Task<List<JsonObject>> RunAsync(string project, string queryText, bool legacy, CancellationToken ct)
    {
        var query = Infrastructure.Http.JsonText.ParseParameter("query", queryText) as JsonObject ?? throw new ApiProblem(400, "query: required, a JSON object");
        var viewName = Text(query["view"]) ?? throw new ApiProblem(400, "query.view: required");
        var views = Views.Keys.Where(v => legacy || v != "traces").ToList();
        if (!views.Contains(viewName)) throw new ApiProblem(400, $"query.view: one of {string.Join(", ", views)}");
        var view = Views[viewName];
        var from = Time(query["fromTimestamp"], "fromTimestamp");
        var to = Time(query["toTimestamp"], "toTimestamp");
        if (to <= from) throw new ApiProblem(400, "query.toTimestamp: must be after fromTimestamp");

        var select = new List<string>();
        var groupBy = new List<string>();
        var dimensions = (query["dimensions"] as JsonArray ?? []).Select(d => Text(d?["field"]) ?? throw new ApiProblem(400, "query.dimensions: each needs a field")).ToList();
        foreach (var field in dimensions)
        {
            var expression = view.Dimensions.GetValueOrDefault(field) ?? throw new ApiProblem(400, $"query.dimensions: '{field}' is not a dimension of {viewName} ({string.Join(", ", view.Dimensions.Keys)})");
            select.Add($"{expression} AS `{field}`");
            groupBy.Add($"`{field}`");
        }
        if (query["timeDimension"] is JsonObject time)
        {
            var granularity = Text(time["granularity"]) ?? "auto";
            var function = Granularities.GetValueOrDefault(granularity) ?? throw new ApiProblem(400, $"query.timeDimension.granularity: one of {string.Join(", ", Granularities.Keys)}");
            select.Add($"toString({function}(toDateTime(intDiv({view.TimeColumn}, 1000)))) AS time_dimension");
            groupBy.Add("time_dimension");
        }
        var bins = query["config"]?["bins"] is JsonValue binsValue && binsValue.TryGetValue<int>(out var b) ? b : 10;
        if (bins is < 1 or > 100) throw new ApiProblem(400, "query.config.bins: between 1 and 100");
        var metricAliases = new List<string>();
        var metrics = query["metrics"] as JsonArray;
        if (metrics is null || metrics.Count == 0) throw new ApiProblem(400, "query.metrics: at least one metric");
        foreach (var metric in metrics)
        {
            var measure = Text(metric?["measure"]) ?? throw new ApiProblem(400, "query.metrics: each needs a measure");
            var aggregation = Text(metric?["aggregation"]) ?? throw new ApiProblem(400, "query.metrics: each needs an aggregation");
            var expression = view.Measures.GetValueOrDefault(measure) ?? throw new ApiProblem(400, $"query.metrics: '{measure}' is not a measure of {viewName} ({string.Join(", ", view.Measures.Keys)})");
            var template = Aggregations.GetValueOrDefault(aggregation) ?? throw new ApiProblem(400, $"query.metrics: aggregation '{aggregation}' is not supported ({string.Join(", ", Aggregations.Keys)})");
            var alias = $"{aggregation}_{measure}";
            select.Add($"{(expression.StartsWith('=') ? expression[1..] : string.Format(CultureInfo.InvariantCulture, template, expression, bins))} AS `{alias}`");
            metricAliases.Add(alias);
        }

        var conditions = new List<Sql> { Sql.Trusted("is_deleted = 0"), view.Extra };
        foreach (var filter in query["filters"] as JsonArray ?? [])
            conditions.Add(Filter(filter as JsonObject ?? throw new ApiProblem(400, "query.filters: each must be an object"), view, viewName));

        var orderBy = new List<string>();
        foreach (var order in query["orderBy"] as JsonArray ?? [])
        {
            var field = Text(order?["field"]) ?? "";
            if (!dimensions.Contains(field) && !metricAliases.Contains(field) && field != "time_dimension")
                throw new ApiProblem(400, $"query.orderBy: '{field}' is neither a dimension nor a metric alias ({string.Join(", ", dimensions.Concat(metricAliases))})");
            orderBy.Add($"`{field}` {(Text(order?["direction"]) == "desc" ? "DESC" : "ASC")}");
        }
        if (orderBy.Count == 0 && groupBy.Contains("time_dimension")) orderBy.Add("time_dimension ASC");
        var rowLimit = query["config"]?["row_limit"] is JsonValue limitValue && limitValue.TryGetValue<int>(out var rl) ? rl : 100;
        if (rowLimit is < 1 or > 1000) throw new ApiProblem(400, "query.config.row_limit: between 1 and 1000");

        var source = ListQuery.LatestWithin(view.Table, project, Sql.Of($"{Sql.Trusted(view.TimeColumn)} >= {from} AND {Sql.Trusted(view.TimeColumn)} < {to}"), "*");
        if (viewName == "traces") source = WithChildren(source, project, from, to);
        var usesTrace = viewName != "traces" && dimensions.Concat((query["filters"] as JsonArray ?? []).Select(f => Text(f?["column"]) ?? "")).Any(TraceDimensions.ContainsKey);
        if (usesTrace)
            source = Sql.Of($@"(SELECT * FROM (SELECT *, {Sql.Trusted(view.TraceLink)} AS trace_link FROM {source}) AS measured
                ANY LEFT JOIN (SELECT id AS trace_link, name AS trace_name, release AS trace_release, version AS trace_version, tags AS trace_tags
                    FROM traces FINAL WHERE project_id = {project} AND is_deleted = 0) AS parent_trace USING trace_link)");
        var sql = Sql.Of($"SELECT {Sql.Trusted(string.Join(", ", select))} FROM {source} WHERE {Sql.Join(" AND ", conditions)}"
            + $"{Sql.Trusted(groupBy.Count > 0 ? " GROUP BY " + string.Join(", ", groupBy) : "")}"
            + $"{Sql.Trusted(orderBy.Count > 0 ? " ORDER BY " + string.Join(", ", orderBy) : "")} LIMIT {rowLimit}");
        var rows = new List<JsonObject>();
        await foreach (var line in clickHouse.QueryLinesAsync(sql, ct))
        {
            var row = JsonNode.Parse(line)!.AsObject();
            foreach (var alias in metricAliases)
                if (row[alias] is JsonValue v && v.GetValueKind() == JsonValueKind.String && double.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out var number))
                    row[alias] = number; // 64-bit integers come quoted in JSONEachRow
            if (row["time_dimension"] is JsonValue t)
                row["time_dimension"] = Infrastructure.Http.UtcTimestampConverter.Text(DateTime.Parse(t.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Traces with their observations' count, latency (first start to last end, ms), tokens and cost, and their
    /// scores' count. Observations are taken from an hour before the range, as the daily metrics do.
    /// </summary>
    static Sql WithChildren(Sql traces, string project, long from, long to)
    {
        var observations = ListQuery.LatestWithin("observations", project, Sql.Of($"start_time >= {from - 3_600_000} AND start_time < {to}"),
            "id, trace_id, start_time, end_time, usage_keys, usage_values, total_cost, is_deleted");
        var scores = ListQuery.LatestWithin("scores", project, Sql.Of($"timestamp >= {from} AND timestamp < {to}"), "id, trace_id, is_deleted");
        return Sql.Of($@"(SELECT * FROM
            (SELECT * FROM (SELECT *, id AS trace_key FROM {traces}) AS trace_rows
                ANY LEFT JOIN (SELECT trace_id AS trace_key, count() AS observations_count,
                        max(ifNull(end_time, start_time)) - min(start_time) AS trace_latency,
                        sum({Sql.Trusted(TotalTokens)}) AS total_tokens, sum(ifNull(total_cost, 0)) AS total_cost
                    FROM {observations} WHERE is_deleted = 0 GROUP BY trace_key) AS trace_observations USING trace_key) AS traces_with_observations
            ANY LEFT JOIN (SELECT ifNull(trace_id, '') AS trace_key, count() AS scores_count FROM {scores} WHERE is_deleted = 0 GROUP BY trace_key) AS trace_scores USING trace_key)");
    }

    static Sql Filter(JsonObject filter, View view, string viewName)
    {
        var column = Text(filter["column"]) ?? throw new ApiProblem(400, "query.filters: each needs a column");
        var expression = Sql.Trusted(view.Dimensions.GetValueOrDefault(column) ?? throw new ApiProblem(400, $"query.filters: '{column}' is not a dimension of {viewName}"));
        var op = Text(filter["operator"]) ?? throw new ApiProblem(400, "query.filters: each needs an operator");
        var value = filter["value"];
        string Str() => Text(value) ?? throw new ApiProblem(400, $"query.filters: '{column}' {op} needs a string value");
        List<string> Strings() => value is JsonArray a ? a.Select(x => x?.ToString() ?? "").ToList() : throw new ApiProblem(400, $"query.filters: '{column}' {op} needs a list");
        if (column == "tags")
            return op switch
            {
                "any of" => Sql.Of($"hasAny({expression}, {Strings()})"),
                "all of" => Sql.Of($"hasAll({expression}, {Strings()})"),
                "none of" => Sql.Of($"NOT hasAny({expression}, {Strings()})"),
                _ => throw new ApiProblem(400, $"query.filters: tags take any of, all of or none of"),
            };
        return op switch
        {
            "=" when value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False => Sql.Of($"{expression} = {value.GetValue<bool>()}"),
            "=" when value?.GetValueKind() == JsonValueKind.Number => Sql.Of($"{expression} = {Number(value, column)}"),
            "=" => Sql.Of($"toString({expression}) = {Str()}"),
            "<>" => Sql.Of($"{expression} != {value?.GetValueKind() == JsonValueKind.True}"),
            ">" or "<" or ">=" or "<=" => Sql.Of($"{expression} {Sql.Trusted(op)} {Number(value, column)}"),
            "contains" => Sql.Of($"position(toString({expression}), {Str()}) > 0"),
            "does not contain" => Sql.Of($"position(toString({expression}), {Str()}) = 0"),
            "starts with" => Sql.Of($"startsWith(toString({expression}), {Str()})"),
            "ends with" => Sql.Of($"endsWith(toString({expression}), {Str()})"),
            "any of" => Sql.Of($"has({Strings()}, toString({expression}))"),
            "none of" => Sql.Of($"NOT has({Strings()}, toString({expression}))"),
            _ => throw new ApiProblem(400, $"query.filters: operator '{op}' is not supported"),
        };
    }

    static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    static double Number(JsonNode? node, string column) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d
        : throw new ApiProblem(400, $"query.filters: '{column}' needs a finite number value");

    static long Time(JsonNode? node, string field) =>
        Text(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUnixTimeMilliseconds()
            : throw new ApiProblem(400, $"query.{field}: required ISO-8601 datetime");
}
