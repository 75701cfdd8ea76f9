using System.Text.Json;
using System.Text.Json.Nodes;
using Langfuse.Features.Models;
using Langfuse.Infrastructure.Validation;

namespace Langfuse.Features.Ingestion.Pricing;

public sealed record Usage(
    Dictionary<string, long> ProvidedUsage, Dictionary<string, decimal> ProvidedCost,
    Dictionary<string, long> UsageDetails, Dictionary<string, decimal> CostDetails, decimal? TotalCost, ModelPrice? Model);

/// <summary>Usage and cost of one merged observation, as Langfuse computes them (ingestion.md §1.3 and §4).</summary>
public sealed class UsageCalculator(ModelCatalog catalog, TokenCounter tokens)
{
    /// <param name="projectModels">The project's own model definitions, matched before the built-in table.</param>
    public Usage Calculate(JsonObject state, string? model, string level, IReadOnlyList<ModelPrice> projectModels)
    {
        var provided = ProvidedUsage(state["usage"] as JsonObject, state["usageDetails"] as JsonObject);
        var providedCost = ProvidedCost(state["usage"] as JsonObject, state["costDetails"] as JsonObject);
        var match = string.IsNullOrWhiteSpace(model) ? null : projectModels.FirstOrDefault(m => m.Pattern.SafeIsMatch(model)) ?? catalog.Match(model);

        Dictionary<string, long> usage;
        if (match is not null && provided.Count == 0 && providedCost.Count == 0 && level != "ERROR")
        {
            usage = new();
            var input = tokens.Count(match.Tokenizer, state["input"]);
            var output = tokens.Count(match.Tokenizer, state["output"]);
            if (input is not null) usage["input"] = input.Value;
            if (output is not null) usage["output"] = output.Value;
            if (usage.Count > 0) usage["total"] = (input ?? 0) + (output ?? 0);
        }
        else
        {
            usage = new(provided);
            if (usage.Count > 0 && !usage.ContainsKey("total")) usage["total"] = usage.Values.Sum();
        }

        var cost = new Dictionary<string, decimal>();
        decimal? total = null;
        if (providedCost.Count > 0)
        {
            foreach (var (k, v) in providedCost) cost[k] = v;
            total = providedCost.TryGetValue("total", out var t) ? t
                : providedCost.Keys.All(k => k is "input" or "output") ? providedCost.Values.Sum() : null;
            if (total is not null) cost["total"] = total.Value;
        }
        else if (match is not null && usage.Count > 0)
        {
            foreach (var (k, v) in usage)
                if (match.Prices.TryGetValue(k, out var price)) cost[k] = price * v;
            if (cost.Count > 0)
            {
                total = cost.TryGetValue("total", out var t) ? t : cost.Values.Sum();
                cost["total"] = total.Value;
            }
        }
        return new Usage(provided, providedCost, usage, cost, total, match);
    }

    /// <summary>usage (Langfuse or OpenAI style) overridden key by key by usageDetails (OpenAI Chat, Responses, or a free map).</summary>
    public static Dictionary<string, long> ProvidedUsage(JsonObject? usage, JsonObject? usageDetails)
    {
        var result = new Dictionary<string, long>();
        if (usage is { Count: > 0 })
        {
            var openAi = usage.ContainsKey("promptTokens") || usage.ContainsKey("completionTokens") || usage.ContainsKey("totalTokens");
            var input = Int(usage[openAi ? "promptTokens" : "input"]);
            var output = Int(usage[openAi ? "completionTokens" : "output"]);
            var total = Int(usage[openAi ? "totalTokens" : "total"]);
            var details = Details(usageDetails);
            total ??= details.Count == 0 ? (input is not null && output is not null ? input + output : input ?? output) : null;
            if (input is not null) result["input"] = input.Value;
            if (output is not null) result["output"] = output.Value;
            if (total is not null) result["total"] = total.Value;
        }
        foreach (var (k, v) in Details(usageDetails)) result[k] = v;
        return result;
    }

    static Dictionary<string, long> Details(JsonObject? details)
    {
        var result = new Dictionary<string, long>();
        if (details is null || details.Count == 0) return result;
        if (details.ContainsKey("prompt_tokens") || details.ContainsKey("completion_tokens"))
            return OpenAiShape(details, "prompt_tokens", "completion_tokens", "prompt_tokens_details", "completion_tokens_details");
        if (details.ContainsKey("input_tokens") && details.ContainsKey("output_tokens") && details.All(kv => kv.Key is "input_tokens" or "output_tokens" or "total_tokens" or "input_tokens_details" or "output_tokens_details"))
            return OpenAiShape(details, "input_tokens", "output_tokens", "input_tokens_details", "output_tokens_details");
        foreach (var (k, v) in details)
        {
            if (Int(v) is { } n) result[k] = n;
            else if (v?.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), out var parsed) && parsed >= 0) result[k] = parsed;
        }
        return result;
    }

    static Dictionary<string, long> OpenAiShape(JsonObject d, string inKey, string outKey, string inDetails, string outDetails)
    {
        var result = new Dictionary<string, long>();
        var input = Int(d[inKey]);
        var output = Int(d[outKey]);
        if (d[inDetails] is JsonObject ind)
            foreach (var (k, v) in ind)
                if (Int(v) is { } n) { result["input_" + k] = n; if (input is not null) input = Math.Max(0, input.Value - n); }
        if (d[outDetails] is JsonObject outd)
            foreach (var (k, v) in outd)
                if (Int(v) is { } n) { result["output_" + k] = n; if (output is not null) output = Math.Max(0, output.Value - n); }
        if (input is not null) result["input"] = input.Value;
        if (output is not null) result["output"] = output.Value;
        if (Int(d["total_tokens"]) is { } total) result["total"] = total;
        return result;
    }

    public static Dictionary<string, decimal> ProvidedCost(JsonObject? usage, JsonObject? costDetails)
    {
        var result = new Dictionary<string, decimal>();
        if (usage is not null)
        {
            if (Number(usage["inputCost"]) is { } i) result["input"] = i;
            if (Number(usage["outputCost"]) is { } o) result["output"] = o;
            if (Number(usage["totalCost"]) is { } t) result["total"] = t;
        }
        if (costDetails is not null)
            foreach (var (k, v) in costDetails)
                if (Number(v) is { } n) result[k] = n;
        return result;
    }

    /// <summary>Non-negative whole numbers only; floats and negatives are dropped, as Langfuse does.</summary>
    static long? Int(JsonNode? v) =>
        v is JsonValue jv && jv.GetValueKind() == JsonValueKind.Number && jv.TryGetValue<long>(out var n) && n >= 0 ? n
        : v is JsonValue jd && jd.GetValueKind() == JsonValueKind.Number && jd.GetValue<double>() is var d && d >= 0 && d == Math.Floor(d) && d < long.MaxValue ? (long)d
        : null;

    static decimal? Number(JsonNode? v) =>
        v is JsonValue jv && jv.GetValueKind() == JsonValueKind.Number && jv.GetValue<double>() is var d && d >= 0 && double.IsFinite(d) ? (decimal)d : null;
}
