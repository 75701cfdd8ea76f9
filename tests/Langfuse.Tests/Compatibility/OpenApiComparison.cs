using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Langfuse.Tests.Compatibility;

/// <summary>
/// Compares two OpenAPI documents operation by operation: Langfuse's (the contract) and ours. Paths match with their
/// parameter names ignored; for each operation we serve: query parameters, request body fields and the success
/// response's fields (three levels deep, through $ref, allOf and oneOf), their required flags and enum values.
/// </summary>
public sealed class OpenApiComparison(JsonNode contract, JsonNode ours)
{
    const int MaxDepth = 3;

    public static JsonNode FromYaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return ToJson(stream.Documents[0].RootNode)!;
    }

    static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };

    /// <summary>"/api/public/v2/prompts/{promptName}" → "/api/public/v2/prompts/{}".</summary>
    public static string Shape(string path) => string.Join('/', path.Split('/').Select(s => s.StartsWith('{') ? "{}" : s));

    static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    static IEnumerable<(string Method, string Path, JsonObject Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(p => Methods.Where(m => p.Value![m] is JsonObject)
            .Select(m => (m.ToUpperInvariant(), p.Key, p.Value![m]!.AsObject())));

    public List<OperationReport> Compare()
    {
        var served = Operations(ours).ToDictionary(o => (o.Method, Shape(o.Path)), o => o.Operation);
        var reports = new List<OperationReport>();
        foreach (var (method, path, operation) in Operations(contract))
        {
            var area = operation["tags"]?[0]?.GetValue<string>() ?? "Other";
            if (!served.TryGetValue((method, Shape(path)), out var mine))
            {
                reports.Add(new OperationReport(area, method, path, false, false, []));
                continue;
            }
            var differences = new List<string>();
            var described = true;

            var theirQuery = QueryParameters(contract, operation);
            var ourQuery = QueryParameters(ours, mine);
            Missing("query parameter", theirQuery.Keys.Except(ourQuery.Keys), differences);

            if (BodySchema(operation) is { } theirBody)
            {
                if (BodySchema(mine) is { } ourBody) CompareFields("request", Fields(contract, theirBody), Fields(ours, ourBody), differences);
                else { described = false; differences.Add("request body not described"); }
            }
            var (theirStatus, theirResponse) = SuccessResponse(operation);
            var (ourStatus, ourResponse) = SuccessResponse(mine);
            if (theirStatus != ourStatus) differences.Add($"success status {ourStatus ?? "none"} documented, Langfuse's is {theirStatus}");
            if (theirResponse is not null)
            {
                if (ourResponse is not null) CompareFields("response", Fields(contract, theirResponse), Fields(ours, ourResponse), differences);
                else { described = false; differences.Add("response body not described"); }
            }
            reports.Add(new OperationReport(area, method, path, true, described, differences));
        }
        return reports;
    }

    /// <summary>Our /api/public operations that Langfuse's document does not have.</summary>
    public List<string> Extra()
    {
        var theirs = Operations(contract).Select(o => (o.Method, Shape(o.Path))).ToHashSet();
        return Operations(ours).Where(o => o.Path.StartsWith("/api/public") && !theirs.Contains((o.Method, Shape(o.Path))))
            .Select(o => $"{o.Method} {o.Path}").ToList();
    }

    static void Missing(string what, IEnumerable<string> names, List<string> differences)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        if (list.Count > 0) differences.Add($"{what}{(list.Count > 1 ? "s" : "")} missing: {Abbreviate(list)}");
    }

    static string Abbreviate(List<string> names) => names.Count <= 6 ? string.Join(", ", names) : string.Join(", ", names.Take(6)) + $" and {names.Count - 6} more";

    static void CompareFields(string side, Dictionary<string, Field> theirs, Dictionary<string, Field> mine, List<string> differences)
    {
        var missing = theirs.Keys.Except(mine.Keys).ToHashSet();
        // A missing object's own fields are not listed apart: "parts" says it, "parts[].name" would repeat it.
        Missing($"{side} field", missing.Where(path => !missing.Any(parent => path.StartsWith(parent + ".", StringComparison.Ordinal) || path.StartsWith(parent + "[]", StringComparison.Ordinal))), differences);
        var optional = theirs.Values.Where(f => side == "response" && f.Required && mine.TryGetValue(f.Path, out var m) && !m.Required && !f.Path.Contains('.')).Select(f => f.Path).ToList();
        if (optional.Count > 0) differences.Add($"{side} fields Langfuse requires but we mark optional: {Abbreviate(optional)}");
        foreach (var field in theirs.Values.Where(f => f.Enum.Count > 0 && mine.ContainsKey(f.Path)))
        {
            var ourEnum = mine[field.Path].Enum;
            if (ourEnum.Count == 0) differences.Add($"{side} {field.Path}: no enum (Langfuse: {string.Join("|", field.Enum.Order(StringComparer.Ordinal))})");
            else if (field.Enum.Except(ourEnum).ToList() is { Count: > 0 } lacking) differences.Add($"{side} {field.Path}: enum lacks {string.Join("|", lacking.Order(StringComparer.Ordinal))}");
        }
    }

    static JsonNode? Resolve(JsonNode document, JsonNode? schema)
    {
        for (var hops = 0; schema?["$ref"] is JsonValue reference && hops < 20; hops++)
        {
            JsonNode? target = document;
            foreach (var part in reference.GetValue<string>().TrimStart('#', '/').Split('/')) target = target?[part.Replace("~1", "/").Replace("~0", "~")];
            schema = target;
        }
        return schema;
    }

    static Dictionary<string, JsonNode?> QueryParameters(JsonNode document, JsonObject operation) =>
        (operation["parameters"]?.AsArray() ?? []).Select(p => Resolve(document, p)).Where(p => p?["in"]?.GetValue<string>() == "query")
            .GroupBy(p => p!["name"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.First());

    static JsonNode? BodySchema(JsonObject operation) =>
        operation["requestBody"]?["content"]?.AsObject().FirstOrDefault(c => c.Key.Contains("json")).Value?["schema"];

    static (string? Status, JsonNode? Schema) SuccessResponse(JsonObject operation)
    {
        var success = operation["responses"]?.AsObject().FirstOrDefault(r => r.Key.StartsWith('2'));
        if (success?.Key is not { } status) return (null, null);
        return (status, success.Value.Value?["content"]?.AsObject().FirstOrDefault(c => c.Key.Contains("json")).Value?["schema"]);
    }

    public static Dictionary<string, Field> Fields(JsonNode document, JsonNode schema)
    {
        var fields = new Dictionary<string, Field>();
        Collect(document, schema, "", 0, fields);
        return fields;
    }

    static void Collect(JsonNode document, JsonNode? schema, string prefix, int depth, Dictionary<string, Field> into)
    {
        schema = Resolve(document, schema);
        if (schema is null || depth >= MaxDepth) return;
        foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
            foreach (var part in schema[combinator]?.AsArray() ?? []) Collect(document, part, prefix, depth, into);
        if (schema["items"] is { } items) Collect(document, items, prefix + "[]", depth, into);
        if (schema["properties"] is not JsonObject properties) return;
        var required = (schema["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet();
        foreach (var (name, property) in properties)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            var resolved = Resolve(document, property);
            var values = EnumOf(document, resolved);
            into[path] = into.TryGetValue(path, out var known)
                ? known with { Required = known.Required || required.Contains(name), Enum = known.Enum.Union(values).ToHashSet() }
                : new Field(path, required.Contains(name), values);
            Collect(document, resolved, path, depth + 1, into);
        }
    }

    static HashSet<string> EnumOf(JsonNode document, JsonNode? schema)
    {
        var values = new HashSet<string>();
        if (schema is null) return values;
        foreach (var v in schema["enum"]?.AsArray() ?? []) if (v is not null) values.Add(v.ToString());
        foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
            foreach (var part in schema[combinator]?.AsArray() ?? []) values.UnionWith(EnumOf(document, Resolve(document, part)));
        return values;
    }

    /// <summary>The per-area summary (README) and the per-operation table (docs/compatibility.md).</summary>
    public static (string Summary, string Detail) Render(IReadOnlyList<OperationReport> reports, IReadOnlyList<string> extra)
    {
        var summary = new StringBuilder();
        summary.AppendLine("| Area | Langfuse operations | served | described (typed) | matching |");
        summary.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var area in reports.GroupBy(r => r.Area).OrderBy(g => g.Key, StringComparer.Ordinal))
            summary.AppendLine($"| {area.Key} | {area.Count()} | {area.Count(r => r.Served)} | {area.Count(r => r.Served && r.Described)} | {area.Count(r => r.Matches)} |");
        summary.AppendLine($"| **all** | **{reports.Count}** | **{reports.Count(r => r.Served)}** | **{reports.Count(r => r.Served && r.Described)}** | **{reports.Count(r => r.Matches)}** |");

        var detail = new StringBuilder();
        detail.AppendLine("# Compatibility with Langfuse's public API");
        detail.AppendLine();
        detail.AppendLine("Generated by `OpenApiComparisonTests` from this service's OpenAPI document (`/swagger/v1/swagger.json`) and");
        detail.AppendLine("Langfuse's (`tests/Langfuse.Tests/Compatibility/langfuse-openapi.yml`): every operation of Langfuse's, whether we");
        detail.AppendLine("serve it, and for those we serve what our document says differently (query parameters, request and response fields");
        detail.AppendLine("three levels deep, required flags of top-level response fields, enum values). \"Not described\" means the endpoint");
        detail.AppendLine("works (its tests say so) but reads or writes its JSON by hand, so the document cannot show its shape. When the test");
        detail.AppendLine("finds this file stale it writes the new one to `.data/compatibility.md`.");
        detail.AppendLine();
        detail.Append(summary);
        detail.AppendLine();
        detail.AppendLine("| Method | Path | State | Differences |");
        detail.AppendLine("|---|---|---|---|");
        foreach (var r in reports.OrderBy(r => r.Path, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal))
        {
            var state = !r.Served ? "not served" : r.Matches ? "matches" : r.Described ? "differs" : "not described";
            detail.AppendLine($"| {r.Method} | `{r.Path}` | {state} | {string.Join("; ", r.Differences).Replace("|", "\\|")} |");
        }
        if (extra.Count > 0)
        {
            detail.AppendLine();
            detail.AppendLine("Served here beyond Langfuse's document: " + string.Join(", ", extra.Select(e => $"`{e}`")) + ".");
        }
        return (summary.ToString(), detail.ToString());
    }
}
