using System.Text.Json.Nodes;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Models;

/// <summary>Langfuse's Model object: a project's own definition or a built-in one (isLangfuseManaged).</summary>
public sealed record ModelView(string Id, string ModelName, string MatchPattern, DateTimeOffset? StartDate,
    [property: OneOf(ModelUnits.Characters, ModelUnits.Tokens, ModelUnits.Milliseconds, ModelUnits.Seconds, ModelUnits.Images, ModelUnits.Requests)] string? Unit,
    decimal? InputPrice, decimal? OutputPrice, decimal? TotalPrice, string? TokenizerId, JsonNode? TokenizerConfig, bool IsLangfuseManaged,
    DateTimeOffset CreatedAt, Dictionary<string, ModelPriceView> Prices, IReadOnlyList<PricingTierView> PricingTiers)
{
    public static ModelView Of(ModelDefinition m) => Of(m.Id, m.ModelName, m.MatchPattern, m.StartDate, m.Unit, m.TokenizerId, m.TokenizerConfig?.DeepClone(),
        false, m.CreatedAt, m.DefaultTier.Prices, m.PricingTiers.Select(t => new PricingTierView(t.Id, t.Name, t.IsDefault, t.Priority, t.Conditions.Select(c => c?.DeepClone()).ToList(), t.Prices)));

    public static ModelView Of(ModelPrice m) => Of(m.Id, m.ModelName, m.MatchPattern, null, ModelUnits.Tokens, m.Tokenizer is null ? null : "openai",
        m.Tokenizer is null ? null : new JsonObject { ["tokenizerModel"] = m.Tokenizer == "o200k" ? "gpt-4o" : "gpt-4" }, true, DateTimeOffset.UnixEpoch,
        m.Prices, [new PricingTierView(m.Id + "-default", "Standard", true, 0, [], m.Prices)]);

    static ModelView Of(string id, string name, string pattern, DateTimeOffset? start, string? unit, string? tokenizerId, JsonNode? tokenizerConfig,
        bool managed, DateTimeOffset createdAt, Dictionary<string, decimal> prices, IEnumerable<PricingTierView> tiers) =>
        new(id, name, pattern, start, unit, prices.TryGetValue("input", out var i) ? i : null, prices.TryGetValue("output", out var o) ? o : null,
            prices.TryGetValue("total", out var t) ? t : null, tokenizerId, tokenizerConfig, managed, createdAt,
            prices.ToDictionary(p => p.Key, p => new ModelPriceView(p.Value)), tiers.ToList());
}

public sealed record ModelPriceView(decimal Price);

public sealed record PricingTierView(string Id, string Name, bool IsDefault, int Priority, IReadOnlyList<JsonNode?> Conditions, Dictionary<string, decimal> Prices);

/// <summary>Langfuse's ModelUsageUnit.</summary>
public static class ModelUnits
{
    public const string Characters = "CHARACTERS", Tokens = "TOKENS", Milliseconds = "MILLISECONDS", Seconds = "SECONDS", Images = "IMAGES", Requests = "REQUESTS";
    public static readonly IReadOnlyList<string> All = [Characters, Tokens, Milliseconds, Seconds, Images, Requests];
}
